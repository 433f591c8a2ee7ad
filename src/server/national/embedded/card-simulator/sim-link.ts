/**
 * How the reception reaches the card-app simulator: over HTTP to its own process, or (API tests)
 * straight into an in-process simulator app.
 */
export type CardSimulatorLink = (pathAndQuery: string, init: RequestInit) => Promise<Response>;

import { AppError } from '../http/errors.ts';

export class WebhookUrlNotAllowedError extends AppError {
  constructor() {
    super('webhook_url_not_allowed', 'The endpoint must be an https:// address on the public internet.', { url: 'Use an https:// address that is reachable from the internet.' });
  }
}

export class WebhookNotConfiguredError extends AppError {
  constructor() {
    super('webhook_not_configured', 'No webhook endpoint is set for this institution.');
  }
}

export class WebhookDeliveryNotFoundError extends AppError {
  constructor() {
    super('webhook_delivery_not_found', 'There is no such dead letter for this institution.');
  }
}

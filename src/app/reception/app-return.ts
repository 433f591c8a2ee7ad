import { APP_RETURN_PARAMS, appReturnParams, type AppReturnResult } from '../../domain/registration/app-return.ts';

/**
 * R12: the app's return address with the outcome appended. The address itself was checked against
 * the institution's allow-list (the link page refuses any other); this only adds our parameters,
 * replacing any of the same name the address already had.
 */
export function appReturnUrl(returnUrl: string, result: AppReturnResult, consultationDate: string | null): string {
  const url = new URL(returnUrl);
  for (const name of Object.values(APP_RETURN_PARAMS)) url.searchParams.delete(name);
  for (const [name, value] of appReturnParams(result, consultationDate)) url.searchParams.append(name, value);
  return url.toString();
}

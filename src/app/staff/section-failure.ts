import type { ApiFailure } from '../api-client.ts';
import type { Translate } from '../i18n/i18n.tsx';

/** What a failed call says on a staff screen: the network, or the server. */
export function failureMessage(t: Translate, failure: ApiFailure): string {
  return failure.kind === 'network' ? t('error.network') : t('error.server');
}

/** A failed load of an institution screen: a role without the permission is told so (403). */
export function sectionFailure(t: Translate, failure: ApiFailure): string {
  return failure.kind === 'server' && failure.status === 403 ? t('inst.forbidden') : failureMessage(t, failure);
}

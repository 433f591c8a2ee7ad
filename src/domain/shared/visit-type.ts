/** The visit types a consent can be registered for (DOMAIN §1). */
export const VISIT_TYPES = ['homeVisit', 'houseCall', 'online'] as const;
export type VisitType = (typeof VISIT_TYPES)[number];

export function isVisitType(value: unknown): value is VisitType {
  return typeof value === 'string' && (VISIT_TYPES as readonly string[]).includes(value);
}

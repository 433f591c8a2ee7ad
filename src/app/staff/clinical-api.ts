import type { ClinicalPersonsResponse, ClinicalViewResponse } from '../../domain/consent/clinical.ts';
import { api } from '../api-client.ts';

// P3: consented medical information, doctors only (permission clinical.view). Shapes from
// domain/consent/clinical.ts. Every view of a person is recorded on the server (X5).

export const clinicalPersons = () => api<ClinicalPersonsResponse>('/staff/clinical/persons');

export const clinicalView = (personRef: string) => api<ClinicalViewResponse>(`/staff/clinical/persons/${encodeURIComponent(personRef)}`);

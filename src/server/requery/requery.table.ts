import type { Selectable } from 'kysely';

/** Who asked: the staff screen, an API client, or a receipt computer (Q3: at most 500 at once). */
export type RequeryClient = 'screen' | 'api' | 'receiptComputer';

export interface RequeryResultTable {
  id: string;
  institution_id: string;
  person_ref: string;
  /** The Japan day of the query: one per person and day (Q2). */
  jst_date: string;
  queried_at: string;
  staff_id: string | null;
  client: RequeryClient;
  status: string;
  /** The eligibility record as answered, with cost-limit and specific-disease data (Q1). */
  record_json: string;
}

export interface BatchQueryRunTable {
  id: string;
  institution_id: string;
  jst_date: string;
  ran_at: string;
  staff_id: string | null;
  persons: number;
}

export type RequeryResultRow = Selectable<RequeryResultTable>;

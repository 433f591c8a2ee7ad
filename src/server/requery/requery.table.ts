import type { Selectable } from 'kysely';
import type { RequeryClient } from '../../domain/requery/requery.ts';

export interface RequeryResultTable {
  id: string;
  institution_id: string;
  person_ref: string;
  /** The Japan day of the query (Q2). */
  jst_date: string;
  /** Q2: which of the day's REQUERY_DAILY_LIMIT places this result holds (0 …); unique per person and day. */
  slot: number;
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
  /** Q9: the answer (BatchQueryResponse rows) as JSON; null once past showing (14 days). */
  result_json: string | null;
}

export type BatchQueryRunRow = Selectable<BatchQueryRunTable>;

export type RequeryResultRow = Selectable<RequeryResultTable>;

import type { Generated, Selectable } from 'kysely';

/** A challenge the card app signs (R6): one or more per card request, each used at most once. */
export interface HandoffChallengeTable {
  id: string;
  registration_id: string;
  nonce: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  /** Answers to this challenge that failed verification (issue 12 #12); they change nothing else. */
  failed_answers: Generated<number>;
}

export type HandoffChallengeRow = Selectable<HandoffChallengeTable>;

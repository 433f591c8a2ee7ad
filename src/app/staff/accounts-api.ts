import type { CreateAccountRequest, StaffAccountDto, StaffAccountsResponse } from '../../domain/staff/staff-auth.ts';
import type { StaffRole } from '../../domain/staff/roles.ts';
import { api } from '../api-client.ts';

// Staff accounts (administrators, permission staff.manage). Shapes from domain/staff/staff-auth.ts.

export const listAccounts = () => api<StaffAccountsResponse>('/staff/accounts');

export const createAccount = (request: CreateAccountRequest) => api<StaffAccountDto>('/staff/accounts', { method: 'POST', body: request });

/** What an administrator can change on an account; only the role carries a body. */
export type AccountChange = 'role' | 'unlock' | 'reset-factors' | 'disable';

export const changeAccount = (accountId: string, change: AccountChange, body?: { role: StaffRole }) =>
  api<StaffAccountDto>(`/staff/accounts/${encodeURIComponent(accountId)}/${change}`, { method: change === 'role' ? 'PATCH' : 'POST', body });

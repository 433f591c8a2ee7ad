import type { StaffHomeResponse } from '../../domain/staff/staff-home.ts';
import { api } from '../api-client.ts';

// The staff home's to-do counts (domain/staff/staff-home.ts): this institution, what the role may act on.

export const loadHome = () => api<StaffHomeResponse>('/staff/home');

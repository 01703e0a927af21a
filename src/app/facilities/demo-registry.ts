import type { Facility } from '../../storage/ports.js';

/**
 * The demo registry loaded into an empty store: fictional facilities in two fictional
 * districts, and managers with numbers from a range no real subscriber holds. Real
 * registries come in with `npm run import:facilities -- FILE.csv`.
 */
const manager = (name: string, phone: string, language: string, role: 'facility' | 'district' = 'facility') => ({
  name,
  phone,
  language,
  role,
  active: true,
  optedOut: false,
});

export const DEMO_FACILITIES: Facility[] = [
  { code: '1001', name: 'Riverside Clinic', type: 'clinic', district: 'Riverside', active: true, managers: [manager('Nomsa Dlamini', '+27820000101', 'zu')] },
  { code: '1002', name: 'Market Street Clinic', type: 'clinic', district: 'Riverside', active: true, managers: [manager('Peter Mokoena', '+27820000102', 'en')] },
  { code: '1003', name: 'Hilltop Community Clinic', type: 'clinic', district: 'Hilltop', active: true, managers: [manager('Amina Juma', '+254700000103', 'sw')] },
  { code: '2001', name: 'Riverside Police Station', type: 'police', district: 'Riverside', active: true, managers: [manager('Capt. Sipho Ndlovu', '+27820000201', 'zu')] },
  { code: '2002', name: 'Hilltop Police Station', type: 'police', district: 'Hilltop', active: true, managers: [manager('Insp. Grace Wanjiku', '+254700000202', 'sw')] },
  { code: '3001', name: 'Riverside Grant Office', type: 'social_grant', district: 'Riverside', active: true, managers: [manager('Thandi Khumalo', '+27820000301', 'en')] },
  {
    code: '3002',
    name: 'Hilltop Grant Office',
    type: 'social_grant',
    district: 'Hilltop',
    active: true,
    managers: [manager('Joseph Otieno', '+254700000302', 'sw'), manager('Mary Achieng', '+254700000900', 'en', 'district')],
  },
];

import type { Messages } from './ja.ts';

/** The English catalogue. Typed as `Messages`, so a missing or extra key fails the typecheck. */
export const en: Messages = {
  'app.name': 'Zaitaku Uketsuke',
  'app.tagline': 'Eligibility checks and consent for home visits and online consultations',
  'app.skipToContent': 'Skip to content',
  'lang.switchTo': '日本語',
  'lang.switchLabel': '日本語に切り替える',
  'net.offline': 'You are offline. Screens already open keep working until the connection returns.',

  'start.title': 'Welcome to Zaitaku Uketsuke',
  'start.lead':
    'Before a home visit, house call or online consultation, confirm your health-insurance eligibility with your My Number card and consent to sharing the information your care needs.',
  'start.patient.title': 'Patients and families',
  'start.patient.body':
    'Open the link or QR code your clinic gave you. Every clinic has its own page.',
  'start.patient.card': 'Have your My Number card and its 4-digit PIN (for user authentication) ready.',
  'start.staff.title': 'Visiting nurses and clinic staff',
  'start.staff.body':
    "Add your clinic's link to the tablet's home screen to open it quickly at a patient's home. Links and consents are managed on the staff page.",
  'start.staff.button': 'Open the staff page',

  'staff.title': 'Staff page',
  'staff.login.title': 'Log in',
  'staff.login.loginId': 'Login ID',
  'staff.login.password': 'Password',
  'staff.login.submit': 'Log in',
  'staff.login.submitting': 'Logging in…',
  'staff.login.failed': 'The login ID or password is not correct.',
  'staff.login.required': 'Please fill this in.',
  'staff.signedInAs': 'Logged in as {name} ({role})',
  'staff.logout': 'Log out',
  'staff.institution.title': 'Institution',
  'staff.institution.code': 'Institution code',
  'staff.institution.link': 'Institution link (for patients and visit tablets)',
  'staff.institution.copy': 'Copy link',
  'staff.institution.copied': 'Copied',
  'staff.institution.copyFailed': 'Could not copy. Press and hold the link to select it.',
  'staff.role.clerk': 'Desk clerk',
  'staff.role.doctor': 'Doctor / dentist',
  'staff.role.admin': 'Administrator',
  'staff.loading': 'Loading…',

  'error.network': 'Could not connect. Check the signal and try again.',
  'error.server': 'Something went wrong on the server. Please try again shortly.',

  'notFound.title': 'Page not found',
  'notFound.body': 'Check the address, or open the link your clinic gave you again.',
  'notFound.home': 'Go to the start page',

  'update.message': 'A new version is available.',
  'update.apply': 'Update',
  'update.later': 'Later',
};

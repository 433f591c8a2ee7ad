import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'hono';
import { isDrawnClinicLinkPage } from '../../domain/registration/clinic-link-path.ts';
import { EMBEDDED_CLINIC_LINK_ID, type EmbeddedClinicLink, type InstitutionPublicDto } from '../../domain/registration/reception-api.ts';
import type { AppEnv } from '../http/app-env.ts';
import { LinkInvalidError } from '../institution/institution-errors.ts';
import { institutionByToken } from '../institution/institution-link.ts';
import type { InstitutionRow } from '../institution/institution.table.ts';
import { institutionDeclarationKey } from '../institution/declaration-key.service.ts';
import { allowedReturnUrls, isReturnUrlAllowed } from './return-url.ts';

/** What the clinic link's page and `GET /api/public/institutions/:token` tell the patient's device. */
export async function publicInstitutionDto(c: Context<AppEnv>, institution: InstitutionRow, returnUrl: string | undefined): Promise<InstitutionPublicDto> {
  return {
    name: institution.name,
    settings: {
      usesClinicalInfo: institution.uses_clinical_info === 1,
      usesElectronicPrescription: institution.uses_electronic_prescription === 1,
      showsPrescriptionForm: institution.shows_prescription_form === 1,
    },
    returnUrl: returnUrl === undefined ? 'none' : isReturnUrlAllowed(returnUrl, allowedReturnUrls(institution)) ? 'allowed' : 'refused',
    declarationKey: await institutionDeclarationKey(c.var.db, c.var.secrets, institution.id, c.var.now()),
  };
}

type Renderer = (url: string, clinic: EmbeddedClinicLink) => Promise<string>;
const renderers = new Map<string, Promise<Renderer>>();

/**
 * The build's server-rendering bundle (vite.config.ts `serverRendering`), or null before a build.
 * Loaded once per process: its chunks import its entry by plain path, so a second copy loaded
 * under another URL would not share the first one's state. A new build takes a restart.
 */
async function renderer(staticDir: string): Promise<Renderer | null> {
  const file = path.join(staticDir, '.ssr', 'render-clinic-link.js');
  let loading = renderers.get(file);
  if (!loading) {
    if (!fs.existsSync(file)) return null;
    loading = import(pathToFileURL(file).href).then((module: { renderClinicLink: Renderer }) => module.renderClinicLink);
    renderers.set(file, loading);
  }
  return loading;
}

/** JSON that cannot end the script element it sits in. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c');
}

/**
 * Issue 18 #1: a clinic link's page arrives with its first screen drawn (the menu with the clinic's
 * name, or the "no longer valid" page), rendered by the app's own components, and the data it was
 * drawn from embedded for the app's first render. An app's arrival with a return address is left
 * to the app (its check and its screens), as is any page when the build has no renderer.
 */
export async function clinicLinkPage(c: Context<AppEnv>, token: string, shell: string, staticDir: string): Promise<string> {
  const url = new URL(c.req.url);
  if (!isDrawnClinicLinkPage(url.pathname, url.searchParams)) return shell;
  const render = await renderer(staticDir);
  if (!render) return shell;
  let clinic: EmbeddedClinicLink;
  try {
    clinic = { token, institution: await publicInstitutionDto(c, await institutionByToken(c, token), undefined) };
  } catch (error) {
    if (!(error instanceof LinkInvalidError)) throw error;
    clinic = { token, invalid: true };
  }
  const markup = await render(`${url.pathname}${url.search}`, clinic);
  const data = `<script type="application/json" id="${EMBEDDED_CLINIC_LINK_ID}">${scriptJson(clinic)}</script>`;
  return shell.replace('<div id="app"></div>', `<div id="app">${markup}</div>${data}`);
}

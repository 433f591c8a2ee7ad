import { EMBEDDED_CLINIC_LINK_ID, type EmbeddedClinicLink } from '../../domain/registration/reception-api.ts';

/** Server rendering only (src/app/ssr/render-clinic-link.tsx): the page being rendered. */
let rendering: EmbeddedClinicLink | null = null;
let usedInPage = false;

export function setRenderingClinicLink(data: EmbeddedClinicLink | null): void {
  rendering = data;
}

/**
 * The clinic link's data the server rendered the first screen from (issue 18 #1), for the first
 * render of that link: on the server while it renders, in the browser from the page's embedded
 * JSON (once; a later visit in the same page fetches as before). Null when there is none.
 */
export function embeddedClinicLink(token: string): EmbeddedClinicLink | null {
  if (rendering) return rendering.token === token ? rendering : null;
  if (usedInPage || typeof document === 'undefined') return null;
  usedInPage = true;
  const text = document.getElementById(EMBEDDED_CLINIC_LINK_ID)?.textContent;
  if (!text) return null;
  try {
    const data = JSON.parse(text) as EmbeddedClinicLink;
    return data.token === token ? data : null;
  } catch {
    return null;
  }
}

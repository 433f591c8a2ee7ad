import { defineSmokeSuite } from './smoke.ts';
import { openFirefox } from './support/firefox.ts';

// Issue 21 #1: the clinics' PCs that run Firefox (Debian's Firefox ESR).
defineSmokeSuite('firefox', openFirefox);

import { defineSmokeSuite } from './smoke.ts';
import { openWebKit } from './support/webkit.ts';

// Issue 21 #1: the iPad's engine, as Debian ships it (WebKitGTK's MiniBrowser).
defineSmokeSuite('webkit', openWebKit);

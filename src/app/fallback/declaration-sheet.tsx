import { Fragment, type ComponentChildren } from 'preact';
import {
  DECLARATION_FIELDS,
  DECLARATION_NOTES_JA,
  DECLARATION_SECTIONS,
  DECLARATION_TEXT_JA,
  EXPLANATION_SHEET_JA,
  type DeclarationField,
  type DeclarationNoteId,
  type DeclarationPrintPlace,
  type DeclarationSection,
} from '../../domain/declaration/declaration.ts';
import { ERAS, toEraDate } from '../../domain/shared/era.ts';
import { eraDateOf, type FormState } from './form-state.ts';

/**
 * The 被保険者資格申立書 laid out like 別添3 別紙様式 (D6), generated from DECLARATION_SECTIONS and
 * DECLARATION_FIELDS: each section prints as a ruled table of rows or as lines to write on
 * (section.printAs); each field has a row or line of its own unless field.printedIn places it in
 * another field's row (フリガナ over 氏名, 居所 beside 住所, 患者との関係 after 署名); the value is
 * drawn by the field's kind. Japanese only, as the paper is.
 */

/** ※1 → ※１, as the paper writes note markers. */
const fullWidthNote = (note: DeclarationNoteId) => note.replace(/\d/, (d) => String.fromCharCode(0xff10 + Number(d)));
const printedLabel = (field: DeclarationField) => `${field.labelJa}${field.note ? fullWidthNote(field.note) : ''}`;
const placedIn = (host: DeclarationField, as: DeclarationPrintPlace['as']) =>
  DECLARATION_FIELDS.filter((f) => f.printedIn?.within === host.id && f.printedIn.as === as);
const isText = (field: DeclarationField) => field.kind === 'text' || field.kind === 'address' || field.kind === 'kana' || field.kind === 'phone';

/** A printed box □, ticked when chosen; the text says which for a screen reader. */
function Box({ checked, children }: { checked: boolean; children: ComponentChildren }) {
  return (
    <span class="decl-option">
      <span class={`decl-box${checked ? ' checked' : ''}`} aria-hidden="true">
        {checked ? '✓' : ''}
      </span>
      {children}
      {checked && <span class="visually-hidden">（✓）</span>}
    </span>
  );
}

function Boxes({ field, value }: { field: DeclarationField; value: string | number | null }) {
  return (
    <>
      {(field.options ?? []).map((o) => (
        <Box key={String(o.value)} checked={value === o.value}>
          {o.ja}
        </Box>
      ))}
    </>
  );
}

function westernYear(iso: string | null): string {
  return iso ? `（${Number(iso.slice(0, 4))}年）` : '';
}

/** A day as the paper's 「　年　月　日」 line: 令和7年 4月 1日, or blanks. */
function EraDay({ value }: { value: string | null }) {
  const era = value ? toEraDate(value) : null;
  const name = era ? (ERAS.find((e) => e.id === era.era)?.name ?? '') : '';
  return (
    <span class="decl-date">
      <span class="decl-fill">{era ? `${name}${era.year === 1 ? '元' : era.year}` : ''}</span>年
      <span class="decl-fill short">{era ? era.month : ''}</span>月
      <span class="decl-fill short">{era ? era.day : ''}</span>日{westernYear(era ? value : null)}
    </span>
  );
}

/** What a text field holds ('' on a blank copy). */
function textOf(field: DeclarationField, form: FormState | null): string {
  if (!form) return '';
  const value = form[field.id];
  return typeof value === 'string' ? value : '';
}

/** A field's value by its kind: boxes, date blanks, the signature image, or the text. */
function PrintedValue({ field, form }: { field: DeclarationField; form: FormState | null }) {
  switch (field.kind) {
    case 'checkbox':
      return <Box checked={form?.[field.id] ?? false}>{field.options?.[0]?.ja}</Box>;
    case 'choice':
      return (
        <>
          <Boxes field={field} value={form?.[field.id] ?? null} />
          {field.printHintJa && (
            <>
              <br />
              {field.printHintJa}
            </>
          )}
        </>
      );
    case 'eraDate': {
      const value = form?.[field.id];
      return (
        <>
          <Boxes field={field} value={value?.era ?? null} />
          <span class="decl-date">
            <span class="decl-fill">{value?.year}</span>年<span class="decl-fill short">{value?.month}</span>月<span class="decl-fill short">{value?.day}</span>日
            {/* The Western year beside a complete date, as on every screen (「昭和61年6月14日（1986年）」). */}
            {westernYear(value ? eraDateOf(value) : null)}
          </span>
        </>
      );
    }
    case 'date':
      return <EraDay value={form?.[field.id] ?? null} />;
    case 'signature': {
      const image = form?.[field.id];
      return <span class="decl-signature">{image && <img src={image} alt={`${field.labelJa}（✓）`} />}</span>;
    }
    case 'text':
    case 'address':
    case 'kana':
    case 'phone':
      return <>{textOf(field, form)}</>;
    default: {
      const unexpected: never = field;
      throw new RangeError(`unknown field kind ${String(unexpected)}`);
    }
  }
}

/** A table row: the label, and the value with the fields printed in the same row. */
function PrintedRow({ field, form }: { field: DeclarationField; form: FormState | null }) {
  const readings = placedIn(field, 'reading');
  const asides = placedIn(field, 'aside');
  const label = (
    <th scope="row">
      {printedLabel(field)}
      {readings.map((reading) => (
        <Fragment key={reading.id}>
          <br />
          <span class="decl-kana-label">{printedLabel(reading)}</span>
        </Fragment>
      ))}
    </th>
  );
  if (readings.length > 0) {
    return (
      <tr>
        {label}
        <td class="decl-name">
          {readings.map((reading) => (
            <span key={reading.id} class="decl-kana">
              {textOf(reading, form)}
            </span>
          ))}
          <span class="decl-name-text">
            <PrintedValue field={field} form={form} />
          </span>
        </td>
      </tr>
    );
  }
  if (isText(field) && (field.kind === 'address' || asides.length > 0)) {
    return (
      <tr>
        {label}
        <td class="decl-address">
          <span class="decl-text">{textOf(field, form)}</span>
          {asides.map((aside) => (
            <span key={aside.id} class="decl-residence">
              {printedLabel(aside)}：{textOf(aside, form)}
            </span>
          ))}
        </td>
      </tr>
    );
  }
  return (
    <tr>
      {label}
      <td class={isText(field) ? 'decl-text' : undefined}>
        <PrintedValue field={field} form={form} />
      </td>
    </tr>
  );
}

/** A line to write on: the label, the value, and （label：value） for the fields printed beside it. */
function PrintedLine({ field, form }: { field: DeclarationField; form: FormState | null }) {
  // The day of the declaration is the paper's bare 「年 月 日」, right-aligned, without a label.
  if (field.kind === 'date') {
    return (
      <p class="decl-sign-date">
        <PrintedValue field={field} form={form} />
      </p>
    );
  }
  return (
    <p class="decl-sign-line">
      <span>{printedLabel(field)}</span>
      {isText(field) ? <span class="decl-fill wide">{textOf(field, form)}</span> : <PrintedValue field={field} form={form} />}
      {placedIn(field, 'aside').map((aside) => (
        <span key={aside.id}>
          （{printedLabel(aside)}：<span class="decl-fill">{textOf(aside, form)}</span>）
        </span>
      ))}
    </p>
  );
}

function PrintedSection({ section, form }: { section: DeclarationSection; form: FormState | null }) {
  const fields = DECLARATION_FIELDS.filter((f) => f.section === section.id && !f.printedIn);
  const heading = section.headingJa ? <h3 class="decl-section">{section.headingJa}</h3> : null;
  const notes = section.notes.map((note) => (
    <p key={note} class="decl-note">
      {fullWidthNote(note)} {DECLARATION_NOTES_JA[note].trim()}
    </p>
  ));
  if (section.printAs === 'lines') {
    return (
      <div class="decl-sign">
        {heading}
        {fields.map((field) => (
          <PrintedLine key={field.id} field={field} form={form} />
        ))}
        {notes}
      </div>
    );
  }
  return (
    <>
      {heading}
      <table class="decl-table">
        <tbody>
          {fields.map((field) => (
            <PrintedRow key={field.id} field={field} form={form} />
          ))}
        </tbody>
      </table>
      {notes}
    </>
  );
}

/** The form laid out like 別添3 別紙様式, filled in or blank. */
export function DeclarationSheet({ form }: { form: FormState | null }) {
  return (
    <article class="decl-sheet" lang="ja" aria-label={DECLARATION_TEXT_JA.title}>
      <p class="decl-margin">{DECLARATION_TEXT_JA.marginLabel}</p>
      <h2 class="decl-title">{DECLARATION_TEXT_JA.title}</h2>
      <p class="decl-preamble">{DECLARATION_TEXT_JA.preamble}</p>
      <p class="decl-instructions">{DECLARATION_TEXT_JA.instructions}</p>
      {DECLARATION_SECTIONS.map((section) => (
        <PrintedSection key={section.id} section={section} form={form} />
      ))}
    </article>
  );
}

/** 説明書 (D6), the second printed page. */
export function ExplanationSheet() {
  return (
    <article class="decl-sheet decl-explanation" lang="ja" aria-label={EXPLANATION_SHEET_JA.title}>
      <p class="decl-margin">{EXPLANATION_SHEET_JA.header}</p>
      <h2 class="decl-title">{EXPLANATION_SHEET_JA.title}</h2>
      {EXPLANATION_SHEET_JA.paragraphs.map((p) => (
        <p key={p}>{p}</p>
      ))}
      <h3 class="decl-section">{EXPLANATION_SHEET_JA.examplesHeading}</h3>
      <ul class="decl-examples">
        {EXPLANATION_SHEET_JA.examples.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </article>
  );
}

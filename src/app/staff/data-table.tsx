import type { ComponentChildren } from 'preact';

/**
 * A staff list's table: it scrolls sideways on a narrow screen, its header row is `columns`
 * (already in the page's language), and `children` are its body rows. With `label` the scrolling
 * area is a named region a keyboard can reach.
 */
export function DataTable(props: { class?: string; columns: readonly string[]; label?: string; children: ComponentChildren }) {
  const named = props.label !== undefined;
  return (
    <div class="table-scroll" tabIndex={named ? 0 : undefined} role={named ? 'region' : undefined} aria-label={props.label}>
      <table class={props.class ? `data-table ${props.class}` : 'data-table'}>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

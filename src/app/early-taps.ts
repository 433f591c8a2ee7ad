/**
 * A page drawn by the server (issue 18 #1) shows its buttons before the app's code has arrived,
 * and a button does nothing until the app takes the screen over. A patient who taps one in that
 * moment would see nothing happen. So the entry keeps the last button tapped before the takeover
 * and presses it again once the app is there: the takeover keeps the drawn elements (the app
 * renders over them in place), so it is the same element, now with the app's handler. Links need
 * nothing: they work without the app.
 *
 * Returns the function to call right after the first render.
 */
export function keepEarlyTaps(root: HTMLElement): () => void {
  if (!root.firstElementChild) return () => undefined; // an empty shell: nothing to tap yet
  let tapped: HTMLButtonElement | null = null;
  const keep = (event: Event) => {
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    if (!button || !root.contains(button) || button.disabled) return;
    tapped = button;
    event.preventDefault();
  };
  root.addEventListener('click', keep, true);
  return () => {
    root.removeEventListener('click', keep, true);
    const button = tapped;
    tapped = null;
    if (button?.isConnected && !button.disabled) button.click();
  };
}

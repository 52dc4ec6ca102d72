// Tells the page once the map has painted its projects (a frame after window.__sp.applied),
// or after data.timeout ms if it never does, so the table and charts can follow without
// competing with the map for the browser's main thread. An st.components.v2 module: it runs
// in the page, and reaches the map's frame (same origin) by its title.
export default function (component) {
  const { setTriggerValue, data } = component;
  let done = false, poll = null;
  const fire = () => {
    if (done) { return; }
    done = true; clearInterval(poll); clearTimeout(timer);
    setTriggerValue("painted", true);
  };
  const timer = setTimeout(fire, data.timeout);
  poll = setInterval(() => {
    const frame = document.querySelector(data.frame);
    const sp = frame && frame.contentWindow && frame.contentWindow.__sp;
    if (sp && sp.applied >= 1) {
      clearInterval(poll);
      requestAnimationFrame(() => requestAnimationFrame(fire));
    }
  }, 50);
  return () => { clearInterval(poll); clearTimeout(timer); };
}

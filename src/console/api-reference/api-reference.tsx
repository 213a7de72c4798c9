"use client";

import { useEffect, useRef, useState } from "react";

interface RedocGlobal {
  init(specUrl: string, options: Record<string, unknown>, element: HTMLElement): void;
}

/**
 * Renders the API description with Redoc's standalone bundle, loaded from our own origin once the
 * page is in the browser (it touches `window` at load, so it stays out of the server render).
 */
export function ApiReference({ specUrl, scriptUrl }: { specUrl: string; scriptUrl: string }) {
  const container = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const render = () => {
      const redoc = (window as unknown as { Redoc?: RedocGlobal }).Redoc;
      if (!redoc || !container.current) return setFailed(true);
      redoc.init(
        specUrl,
        { hideDownloadButton: false, expandResponses: "200,201", nativeScrollbars: true },
        container.current,
      );
    };
    if ((window as unknown as { Redoc?: RedocGlobal }).Redoc) return render();
    const script = document.createElement("script");
    script.src = scriptUrl;
    script.async = true;
    script.onload = render;
    script.onerror = () => setFailed(true);
    document.body.appendChild(script);
    return () => script.remove();
  }, [specUrl, scriptUrl]);

  return (
    <main className="min-h-dvh bg-white text-black">
      {failed ? (
        <p role="alert" className="p-6">
          The API reference could not load. The raw document is at <a href={specUrl}>{specUrl}</a>.
        </p>
      ) : null}
      <div ref={container} data-testid="api-reference" />
    </main>
  );
}

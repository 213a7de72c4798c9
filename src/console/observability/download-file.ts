import { apiDownload } from "../api-client";

/** Hands `blob` to the browser as a download named `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoked after the click has been handled, or some browsers cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Downloads `path` (an export) and saves it through the browser; returns the file name used. */
export async function downloadFile(
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  fallbackName: string,
): Promise<string> {
  const { blob, fileName } = await apiDownload(path, { query });
  const name = fileName ?? fallbackName;
  saveBlob(blob, name);
  return name;
}

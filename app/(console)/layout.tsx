import type { ReactNode } from "react";
import { ConsoleShell } from "@/console/shell/console-shell";

/** Every signed-in page: sidebar, header and the session guard. */
export default function ConsoleLayout({ children }: { children: ReactNode }) {
  return <ConsoleShell>{children}</ConsoleShell>;
}

import type { ReactNode } from "react";
import "./globals.css";

export const metadata = { title: "Roundabout", description: "API proxy polling gateway" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <body>{children}</body>
    </html>
  );
}

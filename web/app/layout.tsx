import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { inter, jetbrains } from "./fonts";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "HFT Platform", template: "%s · HFT Platform" },
  description: "Trading terminal for the hft-platform matching engine",
};

export const viewport: Viewport = { themeColor: "#0b0e13", width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className={`${inter.variable} ${jetbrains.variable}`}>
      <body>{children}</body>
    </html>
  );
}

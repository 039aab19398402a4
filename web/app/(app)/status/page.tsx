import type { Metadata } from "next";
import { StatusView } from "@/components/StatusView";

export const metadata: Metadata = { title: "System status" };

export default function StatusPage() {
  return <StatusView />;
}

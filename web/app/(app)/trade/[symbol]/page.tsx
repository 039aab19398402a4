import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TradeView } from "@/components/TradeView";

export async function generateMetadata({
  params,
}: {
  params: Promise<{ symbol: string }>;
}): Promise<Metadata> {
  const { symbol } = await params;
  return { title: `Trade ${decodeURIComponent(symbol).toUpperCase()}` };
}

export default async function TradePage({ params }: { params: Promise<{ symbol: string }> }) {
  const { symbol: raw } = await params;
  const symbol = decodeURIComponent(raw).toUpperCase();
  if (!/^[A-Z0-9.-]{1,16}$/.test(symbol)) notFound();
  return <TradeView symbol={symbol} />;
}

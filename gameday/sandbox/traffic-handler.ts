/**
 * The sandbox's customers: invoked every minute, it sends the checkout API a steady minute of
 * requests so its alarms have data to judge, as production traffic would.
 */
export const handler = async (): Promise<{ sent: number; failed: number }> => {
  const url = process.env.CHECKOUT_URL ?? '';
  const perMinute = Number(process.env.REQUESTS_PER_MINUTE ?? 120);
  let failed = 0;
  for (let i = 0; i < perMinute; i += 1) {
    const response = await fetch(url, { method: 'POST' }).catch(() => undefined);
    if (!response?.ok) failed += 1;
    await new Promise((resolve) => setTimeout(resolve, 60_000 / perMinute / 2));
  }
  return { sent: perMinute, failed };
};

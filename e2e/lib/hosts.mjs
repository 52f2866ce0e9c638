// The fleet as a hub lists it, for tests that start agents.

/** Waits until the hub at `hubUrl` lists every one of `ids` as up (bounded: 150 × 100 ms). */
export async function hostsUp(hubUrl, ids) {
  for (let i = 0; i < 150; i += 1) {
    const { hosts } = await (await fetch(`${hubUrl}/api/v1/hosts`)).json();
    if (ids.every((id) => hosts.some((h) => h.id === id && h.status === 'up'))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`hosts ${ids} never all up`);
}

/** The activities of the reproduction: short steps (300–1000 ms), like a database write or a notice. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(Math.random() * 700)));

export async function persist(seq: number, what: string): Promise<string> {
  await pause();
  return `${seq}:${what}`;
}

export async function notify(_n: number): Promise<void> {
  await pause();
}

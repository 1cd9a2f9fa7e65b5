// Replaces every secret given as input with *** (longest first, so overlapping secrets go whole).
export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets.filter((x) => x.length >= 3).sort((a, b) => b.length - a.length))
    out = out.split(s).join('***');
  return out;
}

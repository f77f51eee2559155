const collator = new Intl.Collator('nl', { sensitivity: 'base', numeric: true });

/** Dutch order by title: case and accents aside, numbers by value ("Module 2" before "Module 10"). */
export const byTitle = (a: { title: string }, b: { title: string }) => collator.compare(a.title, b.title) || a.title.localeCompare(b.title);

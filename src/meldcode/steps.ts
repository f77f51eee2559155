/**
 * The Meldcode huiselijk geweld en kindermishandeling as data: the five steps, the questions of
 * the afwegingskader and the advice each path ends in. The wording is ours; the structure follows
 * the law (Wet verplichte meldcode, with the afwegingskader mandatory since 1 January 2019).
 * Where an answer leads is decided in service.ts, not here.
 */

export interface StepLink {
  href: string;
  label: string;
}

export interface Step {
  number: 1 | 2 | 3 | 4 | 5;
  title: string;
  summary: string;
  /** What the professional does in this step. */
  todo: readonly string[];
  /** What the professional writes down in their own file in this step. */
  record: readonly string[];
  links: readonly StepLink[];
}

export const VEILIG_THUIS = { label: 'Veilig Thuis', display: '0800-2000', tel: 'tel:08002000' } as const;
export const EMERGENCY = { display: '112', tel: 'tel:112' } as const;

export const AFWEGINGSKADER_PATH = '/meldcode/afwegingskader';

export const STEPS: readonly Step[] = [
  {
    number: 1,
    title: 'Breng de signalen in kaart',
    summary: 'Schrijf op wat je ziet en hoort dat je zorgen geeft. Houd feiten en je eigen gedachten daarover uit elkaar.',
    todo: [
      'Observeer het kind en de omgang met de ouders, zo feitelijk mogelijk.',
      'Gebruik een hulpmiddel, zoals de signalenlijst voor verstoord gehechtheidsgedrag bij jonge kinderen.',
      'Verzamel ook signalen van anderen, bijvoorbeeld van collega’s die het kind kennen.',
    ],
    record: [
      'Wat je zag en hoorde, met de datum en de situatie.',
      'Van wie een signaal komt als je het niet zelf zag.',
      'Je eigen indruk of vermoeden, apart van de feiten.',
    ],
    links: [{ href: '/signalenlijst', label: 'Signalenlijst verstoord gehechtheidsgedrag' }],
  },
  {
    number: 2,
    title: 'Overleg met een collega en raadpleeg zo nodig Veilig Thuis',
    summary:
      'Bespreek je zorgen met een collega of met de aandachtsfunctionaris. Vraag zo nodig advies aan Veilig Thuis, of aan een deskundige op het gebied van letselduiding, zoals een forensisch arts.',
    todo: [
      'Leg de signalen voor aan een collega of aan de aandachtsfunctionaris huiselijk geweld en kindermishandeling van je organisatie.',
      'Bel Veilig Thuis voor advies. Dat kan zonder de naam van het gezin te noemen.',
      'Zie je letsel en twijfel je hoe het is ontstaan? Vraag een deskundige op het gebied van letselduiding.',
    ],
    record: ['Met wie je overlegde en wanneer.', 'Welk advies je kreeg.', 'Welke afspraken je maakte en wie wat doet.'],
    links: [
      { href: '/netwerk', label: 'Netwerk: met wie kun je overleggen in de regio?' },
      { href: VEILIG_THUIS.tel, label: `Veilig Thuis bellen voor advies: ${VEILIG_THUIS.display}` },
    ],
  },
  {
    number: 3,
    title: 'Ga in gesprek met de ouders of de cliënt',
    summary:
      'Bespreek je zorgen met de ouders of de cliënt en, als dat kan, met het kind. Dat doe je in een passende vorm voor de leeftijd en de ontwikkeling van het kind.',
    todo: [
      'Vertel wat je zag en hoorde en waarom je je zorgen maakt.',
      'Vraag de ouders of de cliënt om hun uitleg en luister goed.',
      'Brengt een gesprek de veiligheid van het kind, van jou of van een ander in gevaar? Dan mag je het overslaan. Overleg daarover met Veilig Thuis.',
    ],
    record: [
      'Wanneer je het gesprek voerde en met wie.',
      'Wat je vertelde, hoe de ouders of de cliënt reageerden en welke uitleg zij gaven.',
      'Heb je het gesprek niet gevoerd? Schrijf op waarom niet.',
    ],
    links: [],
  },
  {
    number: 4,
    title: 'Weeg het geweld of de kindermishandeling met het afwegingskader',
    summary:
      'Beoordeel met het afwegingskader of er een vermoeden is, hoe onveilig de situatie is en of jij passende hulp kunt bieden of organiseren. Twijfel je? Raadpleeg Veilig Thuis.',
    todo: [
      'Beantwoord de vragen van het afwegingskader, in de volgorde van het kader.',
      'Betrek wat je in stap 1 tot en met 3 hebt vastgelegd.',
      'Vraag zo nodig opnieuw advies aan Veilig Thuis.',
    ],
    record: ['Je antwoord op elke vraag van het afwegingskader, met je afwegingen.', 'De uitkomst: melden, hulp bieden of organiseren, of afsluiten.'],
    links: [{ href: AFWEGINGSKADER_PATH, label: 'Doorloop het afwegingskader, vraag voor vraag' }],
  },
  {
    number: 5,
    title: 'Beslis: hulp organiseren en de effecten volgen, en/of melden',
    summary:
      'Neem een besluit op basis van het afwegingskader. Je meldt bij Veilig Thuis, je biedt of organiseert zelf hulp en volgt wat die oplevert, of je doet allebei.',
    todo: [
      'Meld bij Veilig Thuis als het afwegingskader daartoe leidt. Bespreek de melding vooraf met de ouders of de cliënt, tenzij dat de veiligheid in gevaar brengt.',
      'Bied of organiseer je zelf hulp? Maak afspraken over wat er moet veranderen en wanneer, en volg of de hulp werkt.',
      'Wordt het niet veilig genoeg? Dan meld je alsnog bij Veilig Thuis.',
    ],
    record: [
      'Je besluit en waarom je het nam.',
      'Als je meldde: wanneer, wat je meldde en welke afspraken je met Veilig Thuis maakte.',
      'Als je hulp biedt of organiseert: de afspraken, de momenten van evaluatie en wat daaruit kwam.',
    ],
    links: [{ href: VEILIG_THUIS.tel, label: `Veilig Thuis bellen om te melden: ${VEILIG_THUIS.display}` }],
  },
];

export const ANSWERS = ['ja', 'nee'] as const;
export type Answer = (typeof ANSWERS)[number];
export const ANSWER_LABELS: Record<Answer, string> = { ja: 'Ja', nee: 'Nee' };

export const QUESTION_IDS = ['vermoeden', 'veiligheid', 'hulp', 'medewerking', 'resultaat'] as const;
export type QuestionId = (typeof QUESTION_IDS)[number];

export interface Question {
  id: QuestionId;
  /** 1-based position in the afwegingskader; questions are always asked in this order. */
  number: number;
  text: string;
  hint: string;
}

export const QUESTIONS: readonly Question[] = [
  {
    id: 'vermoeden',
    number: 1,
    text: 'Is er na stap 1 tot en met 3 een vermoeden van huiselijk geweld of kindermishandeling?',
    hint: 'Je hebt de signalen in kaart gebracht, erover overlegd en met de ouders of de cliënt gesproken. Denk je nu dat er sprake is van huiselijk geweld of kindermishandeling? Twijfel je? Vraag Veilig Thuis om advies.',
  },
  {
    id: 'veiligheid',
    number: 2,
    text: 'Is er sprake van acute onveiligheid of structurele onveiligheid?',
    hint: 'Acuut onveilig: iemand loopt nu of in de komende dagen gevaar, bijvoorbeeld op ernstig letsel. Structureel onveilig: het geweld of de mishandeling gaat door of komt steeds terug, ook als er al hulp was.',
  },
  {
    id: 'hulp',
    number: 3,
    text: 'Kun je, gezien je deskundigheid en je rol, passende hulp bieden of organiseren?',
    hint: 'Passende hulp stopt het geweld of de mishandeling en maakt de situatie veilig. Je kunt die hulp zelf geven of samen met anderen regelen, bijvoorbeeld met het wijkteam of de jeugdgezondheidszorg.',
  },
  {
    id: 'medewerking',
    number: 4,
    text: 'Aanvaarden de betrokkenen die hulp en werken zij mee?',
    hint: 'Denk aan de ouders, de cliënt en, als dat kan, het kind. Zeggen zij ja tegen de hulp en doen zij ook echt mee?',
  },
  {
    id: 'resultaat',
    number: 5,
    text: 'Leidt de hulp binnen de afgesproken tijd tot de nodige veiligheid en het welzijn van alle betrokkenen?',
    hint: 'Kijk naar de afspraken die je maakte: wat moest er veranderen en wanneer? Is het binnen die tijd veilig genoeg en gaat het goed met iedereen, ook met het kind?',
  },
];

export const OUTCOME_IDS = [
  'geen-vermoeden',
  'melden-onveilig',
  'melden-geen-passende-hulp',
  'melden-geen-medewerking',
  'melden-onvoldoende-resultaat',
  'hulp-en-volgen',
] as const;
export type OutcomeId = (typeof OUTCOME_IDS)[number];

export interface Outcome {
  id: OutcomeId;
  /** Report to Veilig Thuis; offer or organise help and follow it; or close without a report. */
  kind: 'melden' | 'hulp' | 'afsluiten';
  title: string;
  /** Why the afwegingskader ends here. */
  reason: string;
  advice: readonly string[];
  nextSteps: readonly string[];
}

const REPORT_ADVICE = [
  'Meld het vermoeden bij Veilig Thuis. Veilig Thuis onderzoekt de situatie of zorgt samen met anderen voor hulp.',
  'Je mag melden zonder toestemming van de betrokkenen, ook als je een beroepsgeheim hebt.',
  'Melden en hulp bieden kunnen samengaan: bespreek met Veilig Thuis wat jouw rol na de melding is.',
];

const REPORT_STEPS = [
  `Bel Veilig Thuis: ${VEILIG_THUIS.display}, gratis en dag en nacht bereikbaar.`,
  'Bespreek de melding vooraf met de ouders of de cliënt, tenzij dat de veiligheid van het kind, van jou of van een ander in gevaar brengt.',
  'Vertel Veilig Thuis wat je zag en hoorde, en wat je al hebt gedaan.',
  'Leg vast wanneer je meldde, wat je meldde en welke afspraken je met Veilig Thuis maakte.',
];

export const OUTCOMES: Record<OutcomeId, Outcome> = {
  'geen-vermoeden': {
    id: 'geen-vermoeden',
    kind: 'afsluiten',
    title: 'Geen vermoeden: je sluit de meldcode af',
    reason: 'Na stap 1 tot en met 3 is er geen vermoeden van huiselijk geweld of kindermishandeling.',
    advice: ['Je hoeft niet te melden bij Veilig Thuis.', 'Blijf alert: de zorgen kunnen later terugkomen.'],
    nextSteps: [
      'Leg vast dat er geen vermoeden is en waarom. Daarmee sluit je de meldcode af.',
      'Zie je nieuwe signalen? Begin dan opnieuw bij stap 1.',
      'Heb je wel zorgen over de opvoeding of de ontwikkeling? Bespreek met de ouders welke steun kan helpen, bijvoorbeeld van het wijkteam of de jeugdgezondheidszorg.',
    ],
  },
  'melden-onveilig': {
    id: 'melden-onveilig',
    kind: 'melden',
    title: 'Meld bij Veilig Thuis',
    reason: 'Er is sprake van acute of structurele onveiligheid. Dan meld je altijd bij Veilig Thuis. Bij acuut gevaar bel je eerst 112.',
    advice: REPORT_ADVICE,
    nextSteps: [`Is er acuut gevaar? Bel eerst ${EMERGENCY.display}.`, ...REPORT_STEPS],
  },
  'melden-geen-passende-hulp': {
    id: 'melden-geen-passende-hulp',
    kind: 'melden',
    title: 'Meld bij Veilig Thuis',
    reason: 'Je kunt, gezien je deskundigheid en je rol, geen passende hulp bieden of organiseren.',
    advice: REPORT_ADVICE,
    nextSteps: REPORT_STEPS,
  },
  'melden-geen-medewerking': {
    id: 'melden-geen-medewerking',
    kind: 'melden',
    title: 'Meld bij Veilig Thuis',
    reason: 'De betrokkenen aanvaarden de hulp niet of werken er niet aan mee.',
    advice: REPORT_ADVICE,
    nextSteps: REPORT_STEPS,
  },
  'melden-onvoldoende-resultaat': {
    id: 'melden-onvoldoende-resultaat',
    kind: 'melden',
    title: 'Meld bij Veilig Thuis',
    reason: 'De hulp leidt binnen de afgesproken tijd niet tot de nodige veiligheid en het welzijn van alle betrokkenen.',
    advice: REPORT_ADVICE,
    nextSteps: REPORT_STEPS,
  },
  'hulp-en-volgen': {
    id: 'hulp-en-volgen',
    kind: 'hulp',
    title: 'Bied of organiseer hulp en volg de effecten',
    reason: 'Je kunt passende hulp bieden of organiseren, de betrokkenen werken mee en de hulp leidt tot de nodige veiligheid.',
    advice: [
      'Je hoeft nu niet te melden bij Veilig Thuis.',
      'Blijf volgen of de situatie veilig blijft. Wordt het weer onveilig? Doorloop het afwegingskader dan opnieuw.',
    ],
    nextSteps: [
      'Maak met de betrokkenen afspraken over de hulp: wat moet er veranderen, wie doet wat en binnen welke tijd.',
      'Plan vaste momenten om te bekijken of het veilig is en of de hulp werkt.',
      'Komt de veiligheid terug in gevaar of werkt de hulp niet genoeg? Doorloop het afwegingskader opnieuw. Dan meld je alsnog bij Veilig Thuis.',
      'Leg de afspraken, de evaluaties en je besluiten vast.',
    ],
  },
};

/** The sector versions a professional may work with; the guide names that their own applies. */
export const SECTORS = ['kinderopvang', 'onderwijs', 'jeugdgezondheidszorg (JGZ)', 'huisartsen', 'kraamzorg en verloskunde', 'wijkteams en jeugdhulp'] as const;

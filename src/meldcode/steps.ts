/**
 * The Meldcode huiselijk geweld en kindermishandeling as data: the five steps, the five questions of
 * the afwegingskader and the advice each path ends in. The wording is ours; the structure follows
 * the basismodel (Rijksoverheid 2018, with the afwegingskader in force since 1 January 2019) and
 * the NJi's description of the afwegingskader. Where an answer leads is decided in service.ts.
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
  /** A warning that changes the route (the special forms of violence). */
  warning?: string;
}

export const VEILIG_THUIS = { label: 'Veilig Thuis', display: '0800-2000', tel: 'tel:08002000' } as const;
export const EMERGENCY = { display: '112', tel: 'tel:112' } as const;

export const MELDCODE_PATH = '/meldcode';
/** The guide's title: its page's heading and title, and its title in search. */
export const MELDCODE_TITLE = 'Meldcode huiselijk geweld en kindermishandeling';
/** The guide's first sentences: on its page and as its summary in search. */
export const MELDCODE_LEAD =
  'Maak je je zorgen over een kind of een gezin? De meldcode helpt je in vijf stappen van een zorg naar een besluit: melden bij Veilig Thuis, zelf hulp bieden of organiseren, of allebei.';
export const AFWEGINGSKADER_PATH = '/meldcode/afwegingskader';
export const EVALUATIE_PATH = '/meldcode/afwegingskader/evaluatie';
/** The section on the overview that lists the acute routes (numbers and what each is for). */
export const ACUTE_ANCHOR = '#direct-hulp';

/** The special forms of violence for which the normal route does not apply (Augeo stappenplan). */
export const SPECIAL_FORMS = ['eergerelateerd geweld', 'huwelijksdwang', 'vrouwelijke genitale verminking (meisjesbesnijdenis)', 'mensenhandel'] as const;
/** A Dutch enumeration: "a, b en c" (or "a, b of c"). */
export const listText = (items: readonly string[], last = 'en') => `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1)}`;
export const specialFormsText = listText(SPECIAL_FORMS, 'of');

export const SPECIAL_FORMS_WARNING = `Gaat het om ${specialFormsText}? Volg dan niet de gewone route. Neem direct contact op met Veilig Thuis en bespreek je zorgen niet eerst met de ouders of de familie: dat kan het slachtoffer in gevaar brengen.`;

export const STEPS: readonly Step[] = [
  {
    number: 1,
    title: 'Breng de signalen in kaart',
    summary: 'Schrijf op wat je ziet en hoort dat je zorgen geeft. Houd feiten en je eigen gedachten daarover uit elkaar.',
    todo: [
      'Observeer het kind en de omgang met de ouders, zo feitelijk mogelijk.',
      'Gebruik een hulpmiddel, zoals de signalenlijst gehechtheidsgedrag voor jonge kinderen.',
      'Verzamel ook signalen van anderen, bijvoorbeeld van collega’s die het kind kennen.',
      'Werk je met volwassenen, bijvoorbeeld als huisarts, in de ggz, de verslavingszorg of bij de politie? Doe dan de Kindcheck: ga na of je cliënt voor kinderen zorgt en of die kinderen veilig zijn.',
    ],
    record: [
      'Wat je zag en hoorde, met de datum en de situatie.',
      'Van wie een signaal komt als je het niet zelf zag.',
      'Je eigen indruk of vermoeden, apart van de feiten.',
    ],
    links: [{ href: '/signalenlijst', label: 'Signalenlijst gehechtheidsgedrag' }],
  },
  {
    number: 2,
    title: 'Overleg met een collega en raadpleeg zo nodig Veilig Thuis of een deskundige op het gebied van letselduiding',
    summary:
      'Bespreek je zorgen met een collega of met de aandachtsfunctionaris. Vraag zo nodig advies aan Veilig Thuis, of aan een deskundige op het gebied van letselduiding.',
    todo: [
      'Leg de signalen voor aan een collega of aan de aandachtsfunctionaris huiselijk geweld en kindermishandeling van je organisatie.',
      'Vraag Veilig Thuis om advies. Dat kan anoniem: je hoeft de naam van het gezin niet te noemen.',
      'Zie je letsel en twijfel je hoe het is ontstaan? Vraag een deskundige op het gebied van letselduiding. Ben je arts? Bel dan het LECK (Landelijk Expertisecentrum Kindermishandeling), 0900-44 45 444, dag en nacht, of een forensisch arts van de GGD. Ben je geen arts? Overleg dan met de jeugdarts of een andere arts in je organisatie, of met Veilig Thuis.',
    ],
    record: ['Met wie je overlegde en wanneer.', 'Welk advies je kreeg.', 'Welke afspraken je maakte en wie wat doet.'],
    links: [
      { href: '/netwerk', label: 'Netwerk: met wie kun je overleggen in de regio?' },
      { href: ACUTE_ANCHOR, label: 'Veilig Thuis, het LECK en andere nummers' },
    ],
    warning: SPECIAL_FORMS_WARNING,
  },
  {
    number: 3,
    title: 'Ga in gesprek met de betrokkenen',
    summary:
      'Bespreek je zorgen met de ouders of de cliënt en, als dat kan, met het kind. Dat doe je in een passende vorm voor de leeftijd en de ontwikkeling van het kind.',
    todo: [
      'Vertel wat je zag en hoorde en waarom je je zorgen maakt.',
      'Vraag de ouders of de cliënt om hun uitleg en luister goed.',
      'Je mag het gesprek overslaan als het de veiligheid van het kind, van jou of van een ander in gevaar brengt, of als de cliënt dan waarschijnlijk het contact met je verbreekt. Overleg daarover met Veilig Thuis.',
    ],
    record: [
      'Wanneer je het gesprek voerde en met wie.',
      'Wat je vertelde, hoe de ouders of de cliënt reageerden en welke uitleg zij gaven.',
      'Heb je het gesprek niet gevoerd? Schrijf op waarom niet.',
    ],
    links: [],
    warning: SPECIAL_FORMS_WARNING,
  },
  {
    number: 4,
    title: 'Weeg de signalen met het afwegingskader',
    summary:
      'Beantwoord vraag 1 en 2 van het afwegingskader: is er een vermoeden van huiselijk geweld of kindermishandeling, en is er acute of structurele onveiligheid? Twijfel je? Overleg dan altijd met Veilig Thuis.',
    todo: [
      'Betrek wat je in stap 1 tot en met 3 hebt vastgelegd.',
      'Beantwoord de vragen in de volgorde van het kader.',
      'Twijfel je? Vraag Veilig Thuis om advies.',
    ],
    record: ['Je antwoord op vraag 1 en 2, met je afweging.'],
    links: [{ href: AFWEGINGSKADER_PATH, label: 'Doorloop het afwegingskader, vraag voor vraag' }],
  },
  {
    number: 5,
    title: 'Beslis: is melden noodzakelijk, en is zelf hulp bieden of organiseren (ook) mogelijk?',
    summary:
      'Je neemt twee besluiten, in deze volgorde. Eerst: is melden bij Veilig Thuis noodzakelijk? Dan: kun je (ook) zelf passende hulp bieden of organiseren? Is melden noodzakelijk, dan komt die hulp naast de melding, niet in plaats ervan. Daarvoor zijn vraag 3, 4 en 5 van het afwegingskader.',
    todo: [
      'Acute of structurele onveiligheid meld je altijd bij Veilig Thuis.',
      'Kun je geen passende hulp bieden of organiseren, of aanvaarden de betrokkenen de hulp niet? Dan meld je.',
      'Bied of organiseer je zelf hulp? Maak afspraken over wat er moet veranderen en wanneer, en evalueer dan met vraag 5. Leidt de hulp niet tot de nodige veiligheid? Dan meld je alsnog.',
      'Bespreek een melding vooraf met de betrokkenen. Doe dat niet als het de veiligheid van iemand in gevaar brengt, als de betrokkenen dan waarschijnlijk het contact verbreken, of bij eergerelateerd geweld, huwelijksdwang, vrouwelijke genitale verminking of mensenhandel.',
    ],
    record: [
      'Je besluit en waarom je het nam.',
      'Als je meldde: wanneer, wat je meldde en welke afspraken je met Veilig Thuis maakte.',
      'Als je hulp biedt of organiseert: de afspraken, het evaluatiemoment en wat daaruit kwam.',
    ],
    links: [
      { href: AFWEGINGSKADER_PATH, label: 'Doorloop het afwegingskader, vraag voor vraag' },
      { href: EVALUATIE_PATH, label: 'Evalueer de hulp (vraag 5)' },
    ],
  },
];

export const ANSWERS = ['ja', 'nee', 'twijfel'] as const;
export type Answer = (typeof ANSWERS)[number];
export const ANSWER_LABELS: Record<Answer, string> = { ja: 'Ja', nee: 'Nee', twijfel: 'Ik twijfel' };

export const QUESTION_IDS = ['vermoeden', 'veiligheid', 'hulp', 'medewerking', 'resultaat'] as const;
export type QuestionId = (typeof QUESTION_IDS)[number];

export interface Question {
  id: QuestionId;
  /** 1-based number in the afwegingskader. */
  number: number;
  /** The step of the basismodel the question belongs to: 4 (wegen) or 5 (beslissen). */
  step: 4 | 5;
  text: string;
  hint: string;
  /** Definitions the answer depends on, shown under the hint. */
  definitions?: readonly { term: string; text: string }[];
  answers: readonly Answer[];
}

export const QUESTIONS: readonly Question[] = [
  {
    id: 'vermoeden',
    number: 1,
    step: 4,
    text: 'Heb je, op basis van stap 1 tot en met 3, een vermoeden van (dreiging van) huiselijk geweld of kindermishandeling?',
    hint: 'Je hebt de signalen in kaart gebracht, erover overlegd en zo mogelijk met de betrokkenen gesproken. Weet je het niet zeker? Kies dan “Ik twijfel”.',
    answers: ['ja', 'nee', 'twijfel'],
  },
  {
    id: 'veiligheid',
    number: 2,
    step: 4,
    text: 'Vermoed je, of weet je, dat er sprake is van acute onveiligheid of structurele onveiligheid?',
    hint: 'Een vermoeden is genoeg: je hoeft het niet zeker te weten. Twijfel je? Kies dan niet “Nee”, maar overleg eerst met Veilig Thuis en beantwoord de vraag daarna.',
    definitions: [
      {
        term: 'Acute onveiligheid',
        text: 'Iemand loopt direct fysiek gevaar, de veiligheid van die persoon is nu en in de komende dagen niet gegarandeerd en er is direct bescherming nodig. Denk aan (dreiging van) lichamelijk of seksueel geweld, met of zonder letsel; het ontbreken van de meest basale zorg (eten, drinken, kleding, onderdak) bij een kind of volwassene die van zorg afhankelijk is; onnodige medicatie of medische zorg; een ouder in een acute crisis die de kinderen in gevaar brengt. Vertelt een kind of volwassene uit zichzelf over geweld of misbruik (disclosure)? Dan is dat ook acute onveiligheid.',
      },
      {
        term: 'Structurele onveiligheid',
        text: 'Een patroon van geweld, verwaarlozing of dreiging dat zich herhaalt of voortduurt, ook als er al hulp was en die hulp daar niets aan veranderde.',
      },
    ],
    answers: ['ja', 'nee'],
  },
  {
    id: 'hulp',
    number: 3,
    step: 5,
    text: 'Ben je in staat om effectieve hulp te bieden of te organiseren om (toekomstig) geweld of mishandeling af te wenden?',
    hint: 'Denk aan je deskundigheid, je rol en je mogelijkheden. Je kunt de hulp zelf bieden of samen met anderen organiseren, bijvoorbeeld met het wijkteam of de jeugdgezondheidszorg.',
    answers: ['ja', 'nee'],
  },
  {
    id: 'medewerking',
    number: 4,
    step: 5,
    text: 'Aanvaarden de betrokkenen die hulp en zijn zij bereid zich daarvoor in te zetten?',
    hint: 'Denk aan de ouders, de cliënt en, als dat kan, het kind. Zeggen zij ja tegen de hulp, en zijn zij bereid echt mee te doen?',
    answers: ['ja', 'nee'],
  },
  {
    id: 'resultaat',
    number: 5,
    step: 5,
    text: 'Leidt de hulp binnen de afgesproken tijd tot de nodige resultaten voor de veiligheid en het welzijn (herstel) van alle betrokkenen?',
    hint: 'Kijk naar de afspraken die je maakte toen je de hulp begon: wat moest er veranderen en wanneer? Is het binnen die tijd veilig genoeg en gaat het goed met iedereen, ook met het kind?',
    answers: ['ja', 'nee'],
  },
];

export const questionById = (id: QuestionId): Question => QUESTIONS.find((q) => q.id === id) as Question;

export const OUTCOME_IDS = [
  'geen-vermoeden',
  'twijfel',
  'melden-onveilig',
  'melden-geen-passende-hulp',
  'melden-geen-medewerking',
  'hulp-bieden',
  'melden-onvoldoende-resultaat',
  'hulp-afsluiten',
  'bijzondere-vorm',
] as const;
export type OutcomeId = (typeof OUTCOME_IDS)[number];

export interface Outcome {
  id: OutcomeId;
  /** Report to Veilig Thuis; contact Veilig Thuis first (doubt, special forms); offer help; or close. */
  kind: 'melden' | 'overleggen' | 'hulp' | 'afsluiten';
  title: string;
  /** Why the afwegingskader ends here. */
  reason: string;
  advice: readonly string[];
  nextSteps: readonly string[];
}

const REPORT_ADVICE = [
  'Meld bij Veilig Thuis. Veilig Thuis onderzoekt de situatie of zorgt samen met anderen voor hulp.',
  'Je mag melden zonder toestemming van de betrokkenen, ook als je een beroepsgeheim hebt.',
  'Melden en hulp bieden kunnen samengaan: bespreek met Veilig Thuis wat jouw rol na de melding is.',
];

const REPORT_STEPS = [
  'Bespreek de melding vooraf met de betrokkenen. Doe dat niet als het de veiligheid van het kind, van jou of van een ander in gevaar brengt, als de betrokkenen dan waarschijnlijk het contact verbreken, of bij eergerelateerd geweld, huwelijksdwang, vrouwelijke genitale verminking of mensenhandel.',
  'Bel Veilig Thuis. Je wordt gevraagd naar een plaatsnaam: noem de woonplaats van het kind.',
  'Vertel Veilig Thuis wat je zag en hoorde, en wat je al hebt gedaan.',
  'Leg vast wanneer je meldde, wat je meldde en welke afspraken je met Veilig Thuis maakte.',
];

export const OUTCOMES: Record<OutcomeId, Outcome> = {
  'geen-vermoeden': {
    id: 'geen-vermoeden',
    kind: 'afsluiten',
    title: 'Geen vermoeden: leg het vast en sluit af',
    reason: 'Na stap 1 tot en met 3 heb je geen vermoeden van huiselijk geweld of kindermishandeling.',
    advice: [
      'Leg in het dossier vast dat je geen vermoeden hebt, en waarom. Daarmee sluit je de meldcode af.',
      'Twijfel je toch? Bel dan Veilig Thuis voor advies. Dat kan anoniem.',
    ],
    nextSteps: [
      'Heb je wel zorgen over de opvoeding of de ontwikkeling? Bespreek met de ouders welke steun kan helpen, bijvoorbeeld van het wijkteam of de jeugdgezondheidszorg.',
      'Zie je later nieuwe signalen? Begin dan opnieuw bij stap 1.',
    ],
  },
  twijfel: {
    id: 'twijfel',
    kind: 'overleggen',
    title: 'Je twijfelt: overleg eerst',
    reason: 'Je weet nog niet of je een vermoeden van huiselijk geweld of kindermishandeling hebt.',
    advice: [
      'Overleg met Veilig Thuis of met de aandachtsfunctionaris van je organisatie voordat je verdergaat. Advies vragen bij Veilig Thuis kan anoniem: je hoeft de naam van het gezin niet te noemen.',
      'Beantwoord vraag 1 daarna opnieuw, met wat het overleg opleverde.',
    ],
    nextSteps: [
      'Leg vast met wie je overlegde, wanneer, en welk advies je kreeg.',
      'Kom terug naar vraag 1 zodra je het advies hebt. Je antwoorden zijn nergens bewaard: bewaar deze samenvatting of druk hem af.',
    ],
  },
  'melden-onveilig': {
    id: 'melden-onveilig',
    kind: 'melden',
    title: 'Meld bij Veilig Thuis',
    reason: 'Je vermoedt of weet dat er acute of structurele onveiligheid is. Dan meld je altijd bij Veilig Thuis.',
    advice: [
      'Is er nu direct gevaar? Bel eerst 112.',
      ...REPORT_ADVICE,
      'Vraag 3, 4 en 5 van het afwegingskader loop je daarna samen met Veilig Thuis door: welke hulp nodig is en wie die biedt, beslis je niet alleen.',
    ],
    nextSteps: REPORT_STEPS,
  },
  'melden-geen-passende-hulp': {
    id: 'melden-geen-passende-hulp',
    kind: 'melden',
    title: 'Meld bij Veilig Thuis',
    reason: 'Je bent niet in staat om effectieve hulp te bieden of te organiseren.',
    advice: REPORT_ADVICE,
    nextSteps: REPORT_STEPS,
  },
  'melden-geen-medewerking': {
    id: 'melden-geen-medewerking',
    kind: 'melden',
    title: 'Meld bij Veilig Thuis',
    reason: 'De betrokkenen aanvaarden de hulp niet of zijn niet bereid zich ervoor in te zetten.',
    advice: REPORT_ADVICE,
    nextSteps: REPORT_STEPS,
  },
  'hulp-bieden': {
    id: 'hulp-bieden',
    kind: 'hulp',
    title: 'Hulp bieden of organiseren',
    reason: 'Je kunt effectieve hulp bieden of organiseren en de betrokkenen aanvaarden die hulp.',
    advice: [
      'Bied of organiseer de hulp. Maak met de betrokkenen concrete afspraken: wat moet er veranderen, wie doet wat, en wanneer is het veilig genoeg.',
      'Spreek een evaluatiemoment af en schrijf het hieronder op. Op dat moment beantwoord je vraag 5: leidt de hulp tot de nodige veiligheid en het welzijn van alle betrokkenen?',
      'Het afwegingskader is pas af na vraag 5. Wordt het in de tussentijd onveilig, of houden de betrokkenen zich niet aan de afspraken? Meld dan alsnog bij Veilig Thuis.',
    ],
    nextSteps: [
      'Leg de afspraken over de hulp vast, met het evaluatiemoment.',
      'Volg in de tussentijd of de situatie veilig is.',
      'Beantwoord op het evaluatiemoment vraag 5 van het afwegingskader (de evaluatie van de hulp).',
    ],
  },
  'melden-onvoldoende-resultaat': {
    id: 'melden-onvoldoende-resultaat',
    kind: 'melden',
    title: 'Meld (opnieuw) bij Veilig Thuis',
    reason: 'De hulp leidt binnen de afgesproken tijd niet tot de nodige veiligheid en het welzijn van alle betrokkenen.',
    advice: REPORT_ADVICE,
    nextSteps: REPORT_STEPS,
  },
  'hulp-afsluiten': {
    id: 'hulp-afsluiten',
    kind: 'afsluiten',
    title: 'Sluit de hulp af: maak afspraken over het volgen van de veiligheid',
    reason: 'De hulp leidt binnen de afgesproken tijd tot de nodige veiligheid en het welzijn van alle betrokkenen.',
    advice: [
      'Sluit de hulp af. Maak met de betrokkenen en de samenwerkingspartners afspraken over hoe jullie signalen van nieuwe onveiligheid opmerken en wat er dan gebeurt.',
      'Wordt het later weer onveilig? Dan is er mogelijk sprake van structurele onveiligheid: meld bij Veilig Thuis. Twijfel je? Vraag Veilig Thuis om advies.',
    ],
    nextSteps: ['Leg de evaluatie, je besluit en de afspraken over het volgen van de veiligheid vast in het dossier.'],
  },
  'bijzondere-vorm': {
    id: 'bijzondere-vorm',
    kind: 'overleggen',
    title: 'Neem direct contact op met Veilig Thuis',
    reason: `Het gaat om ${specialFormsText}. Dan volg je niet de gewone route van de meldcode.`,
    advice: [
      'Neem direct contact op met Veilig Thuis, voordat je verdere stappen zet.',
      'Bespreek je zorgen niet eerst met de ouders, de familie of de gemeenschap (stap 3): daarmee kun je het slachtoffer in gevaar brengen.',
      'Is er nu direct gevaar? Bel 112.',
    ],
    nextSteps: ['Leg vast wat je zag en hoorde, wanneer je Veilig Thuis sprak en welke afspraken jullie maakten.'],
  },
};

/**
 * Who the Wet verplichte meldcode binds (since 1 July 2013): organisations and independent
 * professionals in these six sectors.
 */
export const SECTORS = ['gezondheidszorg', 'onderwijs', 'kinderopvang', 'maatschappelijke ondersteuning', 'jeugdhulp', 'justitie'] as const;

/** Numbers to call, with what each is for. Checked against the sources in ../shared/meldcode.md. */
export interface AcuteRoute {
  name: string;
  display: string;
  tel: string;
  forWhat: string;
}

export const ACUTE_ROUTES: readonly AcuteRoute[] = [
  {
    name: 'Veilig Thuis',
    display: VEILIG_THUIS.display,
    tel: VEILIG_THUIS.tel,
    forWhat:
      'Advies of een melding over huiselijk geweld en kindermishandeling. Gratis, dag en nacht. Je wordt gevraagd naar een plaatsnaam: noem de woonplaats van het kind.',
  },
  { name: 'Alarmnummer', display: EMERGENCY.display, tel: EMERGENCY.tel, forWhat: 'Bij direct gevaar voor een kind of een volwassene.' },
  {
    name: 'Centrum Seksueel Geweld',
    display: '0800-0188',
    tel: 'tel:08000188',
    forWhat: 'Hulp na seksueel geweld, vooral in de eerste 7 dagen daarna.',
  },
  {
    name: 'De Kindertelefoon',
    display: '0800-0432',
    tel: 'tel:08000432',
    forWhat: 'Voor kinderen en jongeren zelf: om anoniem en gratis met iemand te praten.',
  },
  {
    name: 'LECK (Landelijk Expertisecentrum Kindermishandeling)',
    display: '0900-44 45 444',
    tel: 'tel:09004445444',
    forWhat: 'Voor artsen: forensisch-pediatrisch advies over letsel of andere medische signalen. Dag en nacht.',
  },
  {
    name: 'Vertrouwensinspecteurs van de Inspectie van het Onderwijs',
    display: '0900-111 3 111',
    tel: 'tel:09001113111',
    forWhat:
      'Bij een vermoeden van seksueel misbruik, geweld of radicalisering door een medewerker in het onderwijs of de kinderopvang. De houder van een kinderopvangorganisatie moet bij een vermoeden van een zedendelict of geweld door een medewerker met hen overleggen. Op werkdagen van 8 tot 17 uur.',
  },
];

"""The demo improvement programme of Fjordvik kommune (fictional, like the rest of the demo).

A steering group with all three parties of the tripartite cooperation, a project group without
an elected member (so the programme page has a missing party to show), and three projects that
answer findings of Fjordvik's published 2026 evaluation, each with the plan of seed 003.

Dates of projects, decision points, milestones and measurements are relative to `today`, so the
demo always has a milestone overdue, one coming up, and measurements for the last quarters.
Idempotent: nothing is done when Fjordvik has a programme already.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django.db import transaction

from kommunekompass.evaluations.models import Evaluation, Municipality
from kommunekompass.frameworks.models import FocusArea, Framework
from kommunekompass.improvement import measures
from kommunekompass.improvement.models import (
    DecisionPoint,
    GroupMember,
    Indicator,
    Measurement,
    Milestone,
    Programme,
    Project,
    Risk,
)

FJORDVIK = ("NO", "9901")
PROGRAMME_NAME = "Kvalitetsprogrammet 2026–2028"
PROGRAMME_STARTED = datetime.date(2026, 10, 1)
K_PLACES = Decimal("0.0001")

Group = GroupMember.Group
Party = GroupMember.Party
Function = GroupMember.Function

# group, name, title, party, function, key of the demo user linked to the member (or None)
MEMBERS = [
    (Group.STEERING, "Ingrid Haugland", "Ordfører", Party.ELECTED, Function.CHAIR, None),
    (Group.STEERING, "Tor Arne Lien", "Varaordfører", Party.ELECTED, Function.MEMBER, None),
    (
        Group.STEERING,
        "Anne Marit Solberg",
        "Kommunedirektør",
        Party.MANAGEMENT,
        Function.MEMBER,
        None,
    ),
    (
        Group.STEERING,
        "Hilde Brekke",
        "Kommunalsjef helse og omsorg",
        Party.MANAGEMENT,
        Function.MEMBER,
        None,
    ),
    (Group.STEERING, "Randi Tveit", "Personalsjef", Party.MANAGEMENT, Function.MEMBER, None),
    (
        Group.STEERING,
        "Bente Straume",
        "Hovedtillitsvalgt, Fagforbundet",
        Party.UNION,
        Function.MEMBER,
        None,
    ),
    (
        Group.STEERING,
        "Anita Kvamme",
        "Hovedtillitsvalgt, Norsk Sykepleierforbund",
        Party.UNION,
        Function.MEMBER,
        None,
    ),
    (
        Group.STEERING,
        "Tone Bakke",
        "Hovedtillitsvalgt, Delta",
        Party.UNION,
        Function.MEMBER,
        "steering",
    ),
    (
        Group.STEERING,
        "Lene Sætre",
        "Kvalitetsrådgiver",
        Party.MANAGEMENT,
        Function.SECRETARY,
        None,
    ),
    # The project group: management, a union representative and employees, no elected member.
    (
        Group.PROJECT,
        "Per Hovland",
        "Prosjektleder, kvalitetsprogrammet",
        Party.MANAGEMENT,
        Function.PROJECT_LEADER,
        "project-leader",
    ),
    (Group.PROJECT, "Lene Sætre", "Kvalitetsrådgiver", Party.MANAGEMENT, Function.MEMBER, None),
    (
        Group.PROJECT,
        "Kjersti Nes",
        "Leder for hjemmetjenesten",
        Party.MANAGEMENT,
        Function.MEMBER,
        None,
    ),
    (
        Group.PROJECT,
        "Siri Aasen",
        "Enhetsleder, Fjordvik sykehjem",
        Party.MANAGEMENT,
        Function.MEMBER,
        None,
    ),
    (
        Group.PROJECT,
        "Bente Straume",
        "Hovedtillitsvalgt, Fagforbundet",
        Party.UNION,
        Function.MEMBER,
        None,
    ),
    (
        Group.PROJECT,
        "Marte Lunde",
        "Helsefagarbeider, hjemmetjenesten",
        Party.EMPLOYEE,
        Function.MEMBER,
        None,
    ),
    (
        Group.PROJECT,
        "Jonas Fosse",
        "Driftsoperatør, vann og avløp",
        Party.EMPLOYEE,
        Function.MEMBER,
        None,
    ),
]

# Every date below is an offset in days from `today`. Findings are matched on their exact text
# in evaluations/demo/demo-data.yaml (Fjordvik 2026).
PROJECTS = [
    {
        "title": "Nærvær og ledelse i hjemmetjenesten",
        "status": Project.Status.RUNNING,
        "starts": -50,
        "ends": 400,
        "focus_areas": ["7", "8"],
        "findings": [
            "Har ingen norm for kontrollspenn, og enkelte ledere i hjemmetjenesten har over 60 "
            "ansatte.",
            "Medarbeiderplattformen bør tas i bruk i alle enheter.",
        ],
        "background": (
            "Fjordvik kommune har redusert sykefraværet fra 9,1 til 7,8 prosent på tre år, men "
            "nedgangen er ujevnt fordelt. I hjemmetjenesten var sykefraværet 7,8 prosent i "
            "2025, med store forskjeller mellom sonene og høye topper i vintermånedene. "
            "Evalueringen i 2026 viste at kommunen ikke har noen norm for kontrollspenn, og at "
            "enkelte ledere i hjemmetjenesten har over 60 ansatte. Med så store personalgrupper "
            "blir det lite tid til å følge opp den enkelte, og i medarbeiderundersøkelsen sier "
            "mange at de savner en leder som er til stede. Medarbeiderplattformen, som ble "
            "utviklet sammen med de tillitsvalgte, er heller ikke tatt i bruk i hjemmetjenesten."
        ),
        "goal": (
            "Effektmål: Sykefraværet i hjemmetjenesten skal ned fra 7,8 til 6,5 prosent innen "
            "utgangen av prosjektet, og brukerne skal oppleve mer forutsigbare tjenester med "
            "færre ulike ansatte innom døra.\n\n"
            "Resultatmål: Ingen avdelingsleder i hjemmetjenesten skal ha personalansvar for mer "
            "enn 30 ansatte, og medarbeiderplattformen skal være tatt i bruk i alle tre sonene."
        ),
        "frames": (
            "Prosjektet gjennomføres innenfor hjemmetjenestens ordinære budsjettramme, med "
            "400 000 kroner fra kvalitetsprogrammet til frikjøp av ansatte i arbeidsgruppen og "
            "til veiledning. Den nye lederstrukturen skal ikke gi flere lederårsverk totalt: to "
            "fagkoordinatorstillinger gjøres om til avdelingsledere. Arbeidet følger "
            "arbeidsmiljøloven, hovedavtalen og kommunens arbeidsgiverstrategi."
        ),
        "scope": (
            "Prosjektet omfatter hjemmetjenesten i sonene Sentrum, Nord og Sør, til sammen om "
            "lag 120 ansatte. Det omfatter ny avdelingsstruktur, faste nærværssamtaler, bruk av "
            "medarbeiderplattformen og faste team rundt brukerne. Turnusordningen og arbeidet "
            "med større stillinger holdes utenfor, fordi de følges opp i heltidsprosjektet."
        ),
        "reports": (
            "Sykefraværet hentes fra lønns- og personalsystemet hvert kvartal og rapporteres til "
            "styringsgruppen. Brukernes opplevde kvalitet måles med en kort spørreundersøkelse "
            "hvert kvartal (K = O/F, opplevelse delt på forventning). Antall ansatte per "
            "avdelingsleder telles hvert kvartal. Prosjektlederen legger fram en statusrapport "
            "på hvert møte i styringsgruppen og skriver en sluttrapport når prosjektet avsluttes."
        ),
        "project_leader": "Per Hovland, prosjektleder i kvalitetsprogrammet",
        "responsible_leader": "Hilde Brekke, kommunalsjef helse og omsorg",
        "unit": "Hjemmetjenesten",
        "quality_assurance": (
            "Hovedtillitsvalgt for Fagforbundet og verneombudet i hjemmetjenesten er med i "
            "arbeidsgruppen. Tiltakene drøftes i arbeidsmiljøutvalget før de innføres, og "
            "bedriftshelsetjenesten bistår i nærværsarbeidet. Personalavdelingen kvalitetssikrer "
            "tallene for sykefravær før de rapporteres."
        ),
        "main_activities": (
            "- Kartlegge kontrollspenn og arbeidsoppgaver for lederne i hjemmetjenesten.\n"
            "- Innføre en ny avdelingsstruktur med én avdelingsleder i hver sone.\n"
            "- Faste nærværssamtaler og tett oppfølging av sykmeldte, med støtte fra "
            "bedriftshelsetjenesten.\n"
            "- Ta i bruk medarbeiderplattformen på personalmøtene, med én verdi hver måned.\n"
            "- Etablere faste team rundt brukerne, slik at færre ulike ansatte kommer hjem til "
            "hver bruker.\n"
            "- Gå gjennom målingene hvert kvartal i arbeidsmiljøgruppene."
        ),
        "decisions": [
            ("Prosjektplanen godkjent i styringsgruppen", -57, "Skriftlig prosjektplan"),
            (
                "Ny avdelingsstruktur i hjemmetjenesten",
                -20,
                "Kartlegging av kontrollspenn, drøftet med de tillitsvalgte",
            ),
            (
                "Videreføring til de andre enhetene i helse og omsorg",
                370,
                "Sluttrapport og måleresultater",
            ),
        ],
        "milestones": [
            (
                "MP1",
                "Kartleggingen av kontrollspenn er ferdig",
                -36,
                "Rapport med antall ansatte per leder i alle soner",
                True,
            ),
            (
                "MP2",
                "Tre avdelingsledere er på plass",
                21,
                "Ingen avdelingsleder har personalansvar for mer enn 30 ansatte",
                False,
            ),
            (
                "MP3",
                "Medarbeiderplattformen er tatt i bruk i alle soner",
                120,
                "Plattformen er gjennomgått på personalmøtene i alle tre sonene",
                False,
            ),
            (
                "MP4",
                "Sluttevaluering",
                400,
                "Sykefravær på 6,5 prosent eller lavere og K = O/F på minst 1,0",
                False,
            ),
        ],
        "risks": [
            (
                "De ansatte ser ikke nytten av prosjektet",
                3,
                4,
                "Ansatte i arbeidsgruppen, og resultatene legges fram på personalmøtene",
            ),
            (
                "Det tar lengre tid enn planlagt å rekruttere avdelingsledere",
                3,
                3,
                "Intern utlysning først; fagkoordinatorene fungerer i overgangen",
            ),
            (
                "Høyt fravær i vintermånedene gir lite tid til prosjektarbeid",
                4,
                3,
                "Frikjøp fra kvalitetsprogrammet og faste møtetider lagt inn i turnusen",
            ),
        ],
        "indicators": [
            {
                "kind": Indicator.Kind.SICK_LEAVE,
                "name": "Sykefravær",
                "unit": "%",
                "organisation_unit": "Hjemmetjenesten",
                "higher_is_better": False,
                "baseline": "7.8",
                "target": "6.5",
                "frequency": Indicator.Frequency.QUARTERLY,
                "values": ["7.6", "7.9", "7.2", "7.0"],
            },
            {
                "kind": Indicator.Kind.EXPERIENCED_QUALITY,
                "name": "Opplevd kvalitet K = O/F",
                "unit": "",
                "organisation_unit": "Hjemmetjenesten",
                "higher_is_better": True,
                "baseline": "0.82",
                "target": "1.0",
                "frequency": Indicator.Frequency.QUARTERLY,
                # experience (O) and expectation (F) on a scale from 1 to 6
                "scores": [("3.95", "4.80"), ("4.02", "4.78"), ("4.15", "4.75")],
            },
            {
                "kind": Indicator.Kind.CUSTOM,
                "name": "Ansatte per avdelingsleder",
                "unit": "ansatte",
                "organisation_unit": "Hjemmetjenesten",
                "higher_is_better": False,
                "baseline": "62",
                "target": "30",
                "frequency": Indicator.Frequency.QUARTERLY,
                "values": ["62"],
            },
        ],
    },
    {
        "title": "Avvik som læring i alle sektorer",
        "status": Project.Status.AT_RISK,
        "starts": -45,
        "ends": 220,
        "focus_areas": ["3", "6"],
        "findings": [
            "Avvikssystemet brukes lite utenfor helse og omsorg og gir derfor begrenset læring "
            "på systemnivå.",
            "Kvalitetsutvalget bør få med teknisk sektor, og avvik, klager, tilsyn og "
            "brukerundersøkelser bør analyseres samlet.",
        ],
        "background": (
            "Fjordvik har et felles kvalitetssystem for avvik og forbedringsforslag i alle "
            "enheter, men evalueringen i 2026 viste at systemet brukes lite utenfor helse og "
            "omsorg. Teknisk sektor meldte bare 14 avvik i hele 2025 og deltar lite i "
            "kvalitetsutvalget. Avvik, klager, tilsyn og brukerundersøkelser analyseres hver for "
            "seg, og kommunen lærer derfor lite på systemnivå. Et avvik som blir meldt, er en "
            "mulighet til å gjøre tjenesten bedre; et avvik som ikke blir meldt, skjer igjen."
        ),
        "goal": (
            "Effektmål: Avvik skal meldes og brukes til læring i alle sektorer, slik at de samme "
            "feilene ikke gjentar seg.\n\n"
            "Resultatmål: Teknisk sektor skal melde minst 15 avvik per kvartal, teknisk sektor "
            "skal ha fast plass i kvalitetsutvalget, og kvalitetsutvalget skal legge fram en "
            "samlet analyse av avvik, klager, tilsyn og brukerundersøkelser for formannskapet "
            "hvert år."
        ),
        "frames": (
            "Prosjektet bruker det kvalitetssystemet kommunen har; det kjøpes ikke noe nytt "
            "fagsystem. Kvalitetsprogrammet dekker 150 000 kroner til opplæring og frikjøp, og "
            "kvalitetsrådgiveren bruker om lag 40 prosent av stillingen sin på prosjektet."
        ),
        "scope": (
            "Prosjektet starter i teknisk sektor (vann og avløp, vei og eiendomsdrift) og på "
            "servicetorget, og tas deretter inn i oppvekst og kultur. Helse og omsorg, som "
            "allerede bruker avvikssystemet aktivt, deler erfaringene sine, men er ikke med i "
            "pilotene. Internkontrollen etter kommuneloven holdes utenfor."
        ),
        "reports": (
            "Antall meldte og lukkede avvik per sektor hentes ut av kvalitetssystemet hvert "
            "kvartal. Kvalitetsutvalget rapporterer til styringsgruppen hvert tertial, og den "
            "samlede analysen legges fram for formannskapet sammen med årsrapporten."
        ),
        "project_leader": "Lene Sætre, kvalitetsrådgiver",
        "responsible_leader": "Jon Erik Vik, assisterende kommunedirektør",
        "unit": "Teknisk sektor og servicetorget",
        "quality_assurance": (
            "Kvalitetsutvalget er referansegruppe og godkjenner malen for den samlede analysen. "
            "Tillitsvalgte og verneombud er med i opplæringen, slik at avviksmeldinger ikke "
            "oppleves som en jakt på syndebukker. Prosjektet følger kommunens rutine for "
            "behandling av avvik."
        ),
        "main_activities": (
            "- Opplæring i å melde og behandle avvik for ledere og ansatte i teknisk sektor.\n"
            "- Avviksmelding fra mobil for ansatte som arbeider ute.\n"
            "- Avvik og forbedringsforslag som fast sak på personalmøtene.\n"
            "- Teknisk sektor inn i kvalitetsutvalget.\n"
            "- En mal for samlet analyse av avvik, klager, tilsyn og brukerundersøkelser.\n"
            "- Den første samlede analysen legges fram for formannskapet."
        ),
        "decisions": [
            ("Prosjektplanen godkjent i styringsgruppen", -52, "Skriftlig prosjektplan"),
            (
                "Teknisk sektor får fast plass i kvalitetsutvalget",
                -25,
                "Forslag fra kommunedirektørens ledergruppe",
            ),
            (
                "Utvidelse til oppvekst og kultur",
                120,
                "Evaluering av pilotene i teknisk sektor og på servicetorget",
            ),
        ],
        "milestones": [
            (
                "MP1",
                "Opplæringen av lederne i teknisk sektor er gjennomført",
                -30,
                "Alle sju lederne har gjennomført opplæringen",
                True,
            ),
            (
                "MP2",
                "Avviksmelding fra mobil er tatt i bruk i teknisk drift",
                -15,
                "Alle ansatte i teknisk drift kan melde avvik fra mobilen",
                False,
            ),
            (
                "MP3",
                "Malen for samlet analyse er godkjent i kvalitetsutvalget",
                25,
                "Malen er godkjent og prøvd på tallene for forrige kvartal",
                False,
            ),
            (
                "MP4",
                "Den første samlede analysen er lagt fram for formannskapet",
                150,
                "Analysen er behandlet i formannskapet",
                False,
            ),
        ],
        "risks": [
            (
                "Ansatte frykter at avviksmeldinger brukes til å finne syndebukker",
                3,
                5,
                "Tillitsvalgte og verneombud med i opplæringen; lederne svarer på hver melding",
            ),
            (
                "IKT-leverandøren leverer mobilløsningen senere enn avtalt",
                4,
                3,
                "Papirskjema og melding via servicetorget i overgangen; saken er løftet i "
                "IKT-samarbeidet",
            ),
            (
                "Kvalitetsrådgiveren får for lite tid til prosjektet",
                3,
                3,
                "40 prosent av stillingen er satt av og følges opp i styringsgruppen",
            ),
        ],
        "indicators": [
            {
                "kind": Indicator.Kind.DEVIATIONS_REPORTED,
                "name": "Meldte avvik i teknisk sektor",
                "unit": "avvik",
                "organisation_unit": "Teknisk sektor",
                "higher_is_better": True,
                "baseline": "4",
                "target": "15",
                "frequency": Indicator.Frequency.QUARTERLY,
                "values": ["3", "4", "4"],
            },
        ],
    },
    {
        "title": "Brukerundersøkelser og brukermedvirkning i helse og omsorg",
        "status": Project.Status.PLANNED,
        "starts": 40,
        "ends": 500,
        "focus_areas": ["5", "6"],
        "findings": [
            "Helse og omsorg bør ta opp igjen brukerundersøkelsene, og alle sektorer bør ha en "
            "felles rutine for å følge opp resultatene.",
            "Involverer i liten grad brukerne i forbedringsarbeidet, og erfaringene med "
            "tjenestedesign er ikke tatt videre.",
        ],
        "background": (
            "Helse og omsorg har ikke gjennomført egne brukerundersøkelser siden 2021, og "
            "evalueringen i 2026 viste at brukerne i liten grad er med i forbedringsarbeidet. "
            "Erfaringene fra tjenestedesign på Fjordvik sykehjem er ikke tatt videre. "
            "Kommunestyret har prioritert brukerundersøkelser i alle sektorer, med en felles "
            "rutine for oppfølging og fast rapportering til kommunestyret. Den korte "
            "spørreundersøkelsen i nærværsprosjektet i hjemmetjenesten er et første steg."
        ),
        "goal": (
            "Effektmål: Brukere og pårørende skal oppleve at tjenestene svarer til "
            "forventningene, og at det de sier, blir fulgt opp.\n\n"
            "Resultatmål: Alle enheter i helse og omsorg skal gjennomføre en brukerundersøkelse "
            "minst annethvert år og følge opp resultatene med en handlingsplan innen tre "
            "måneder. Hver enhet skal gjennomføre minst ett forbedringstiltak sammen med brukere "
            "eller pårørende."
        ),
        "frames": (
            "Prosjektet bruker de nasjonale brukerundersøkelsene på bedrekommune.no der de "
            "finnes, og egne korte undersøkelser ellers. Kvalitetsprogrammet dekker 200 000 "
            "kroner til kurs i tjenestedesign og frikjøp. Undersøkelsene skal følge "
            "personvernregelverket, og svarene skal være anonyme."
        ),
        "scope": (
            "Prosjektet omfatter Fjordvik sykehjem, hjemmetjenesten, tjenestene for personer med "
            "utviklingshemming og psykisk helse og rus. Oppvekst holdes utenfor, fordi sektoren "
            "bruker de nasjonale foreldre- og elevundersøkelsene, men rutinen for oppfølging "
            "skal kunne brukes i alle sektorer."
        ),
        "reports": (
            "Resultatene av hver undersøkelse rapporteres til kommunalsjefen og til brukerrådene, "
            "og en samlet oversikt legges fram for kommunestyret i årsrapporten. Andelen enheter "
            "som har gjennomført en undersøkelse, følges opp hvert år."
        ),
        "project_leader": "Siri Aasen, enhetsleder Fjordvik sykehjem",
        "responsible_leader": "Hilde Brekke, kommunalsjef helse og omsorg",
        "unit": "Helse og omsorg",
        "quality_assurance": (
            "Eldrerådet og rådet for personer med funksjonsnedsettelse gir råd om spørsmålene og "
            "om hvordan undersøkelsene gjennomføres. Kvalitetsrådgiveren kvalitetssikrer "
            "analysene, og den regionale høgskolen bistår med metode for tjenestedesign."
        ),
        "main_activities": (
            "- Velge undersøkelse for hver tjeneste og lage en felles plan for når de "
            "gjennomføres.\n"
            "- Gjennomføre brukerundersøkelser på sykehjemmet og i hjemmetjenesten.\n"
            "- Lage en felles rutine for å følge opp resultatene med handlingsplaner.\n"
            "- Kurs i tjenestedesign for ledere og ressurspersoner.\n"
            "- Ett forbedringstiltak i hver enhet, utviklet sammen med brukere eller pårørende."
        ),
        "decisions": [
            (
                "Prosjektplanen behandles i styringsgruppen",
                14,
                "Utkast til prosjektplan",
            ),
            (
                "Valg av undersøkelser og tidsplan",
                60,
                "Forslag fra arbeidsgruppen og råd fra brukerrådene",
            ),
        ],
        "milestones": [
            (
                "MP1",
                "Arbeidsgruppe med brukerrepresentanter er etablert",
                45,
                "Arbeidsgruppen har hatt sitt første møte",
                False,
            ),
            (
                "MP2",
                "Brukerundersøkelsen på sykehjemmet er gjennomført",
                130,
                "Svarprosent over 50",
                False,
            ),
            (
                "MP3",
                "Felles rutine for oppfølging av resultater er vedtatt",
                200,
                "Rutinen er lagt inn i kvalitetssystemet",
                False,
            ),
        ],
        "risks": [
            (
                "Lav svarprosent blant brukere med kognitiv svikt",
                4,
                3,
                "Egen pårørendeundersøkelse, og intervjuer med hjelp fra frivillige",
            ),
            (
                "Resultatene blir ikke fulgt opp i enhetene",
                3,
                4,
                "Frist for handlingsplan i rutinen, fulgt opp i ledersamtalene",
            ),
        ],
        "indicators": [
            {
                "kind": Indicator.Kind.CUSTOM,
                "name": "Andel enheter med brukerundersøkelse de siste to årene",
                "unit": "%",
                "organisation_unit": "Helse og omsorg",
                "higher_is_better": True,
                "baseline": "0",
                "target": "100",
                "frequency": Indicator.Frequency.YEARLY,
                "values": [],
            },
        ],
    },
]


def quarter_ends_before(today: datetime.date, count: int) -> list[datetime.date]:
    """The last `count` quarter ends strictly before `today`, oldest first."""
    year, month = today.year, (today.month - 1) // 3 * 3  # the end month of the last quarter
    ends = []
    while len(ends) < count:
        if month == 0:
            year, month = year - 1, 12
        ends.append(datetime.date(year, month, calendar.monthrange(year, month)[1]))
        month -= 3
    return list(reversed(ends))


@transaction.atomic
def load_demo_programme(users: dict, today: datetime.date) -> bool:
    """Create Fjordvik's improvement programme. True if created, False if it was there (or
    Fjordvik is not loaded)."""
    country, number = FJORDVIK
    municipality = Municipality.objects.filter(country=country, number=number).first()
    if municipality is None or Programme.objects.filter(municipality=municipality).exists():
        return False
    programme = Programme.objects.create(
        municipality=municipality, name=PROGRAMME_NAME, started=PROGRAMME_STARTED
    )
    GroupMember.objects.bulk_create(
        GroupMember(
            programme=programme,
            group=group,
            name=name,
            title=title,
            party=party,
            function=function,
            user=users.get(user_key) if user_key else None,
        )
        for group, name, title, party, function, user_key in MEMBERS
    )
    evaluation = Evaluation.objects.filter(
        municipality=municipality,
        year=2026,
        status=Evaluation.Status.PUBLISHED,
        framework__key="kommunekompass",
    ).first()
    framework = (
        evaluation.framework
        if evaluation
        else Framework.objects.get(key="kommunekompass", version="2020")
    )
    areas = {area.code: area for area in FocusArea.objects.filter(framework=framework)}
    for data in PROJECTS:
        _create_project(programme, evaluation, areas, data, today)
    return True


def _create_project(programme, evaluation, areas, data, today) -> Project:
    def day(offset: int) -> datetime.date:
        return today + datetime.timedelta(days=offset)

    plan = {
        key: data[key]
        for key in (
            "title",
            "status",
            "background",
            "goal",
            "frames",
            "scope",
            "reports",
            "project_leader",
            "responsible_leader",
            "unit",
            "quality_assurance",
            "main_activities",
        )
    }
    project = Project.objects.create(
        programme=programme,
        evaluation=evaluation,
        starts=day(data["starts"]),
        ends=day(data["ends"]),
        **plan,
    )
    project.focus_areas.set([areas[code] for code in data["focus_areas"]])
    if evaluation is not None:
        # get(): a finding text that no longer matches the demo evaluation is an error
        project.findings.set([evaluation.findings.get(text=text) for text in data["findings"]])
    DecisionPoint.objects.bulk_create(
        DecisionPoint(project=project, number=number, decision=decision, date=day(offset), basis=b)
        for number, (decision, offset, b) in enumerate(data["decisions"], start=1)
    )
    Milestone.objects.bulk_create(
        Milestone(
            project=project,
            number=number,
            milestone=milestone,
            date=day(offset),
            measurable_result=result,
            reached=reached,
        )
        for number, milestone, offset, result, reached in data["milestones"]
    )
    Risk.objects.bulk_create(
        Risk(project=project, factor=factor, likelihood=likelihood, impact=impact, measure=measure)
        for factor, likelihood, impact, measure in data["risks"]
    )
    for spec in data["indicators"]:
        _create_indicator(project, spec, today)
    return project


def _create_indicator(project, spec, today) -> Indicator:
    indicator = Indicator.objects.create(
        project=project,
        kind=spec["kind"],
        name=spec["name"],
        unit=spec["unit"],
        organisation_unit=spec["organisation_unit"],
        higher_is_better=spec["higher_is_better"],
        baseline=Decimal(spec["baseline"]),
        target=Decimal(spec["target"]),
        frequency=spec["frequency"],
    )
    if "scores" in spec:
        scores = [(Decimal(o), Decimal(f)) for o, f in spec["scores"]]
        ends = quarter_ends_before(today, len(scores))
        Measurement.objects.bulk_create(
            Measurement(
                indicator=indicator,
                period_end=end,
                value=measures.experienced_quality(o, f).quantize(K_PLACES),
                experience=o,
                expectation=f,
            )
            for end, (o, f) in zip(ends, scores, strict=True)
        )
    else:
        values = spec["values"]
        ends = quarter_ends_before(today, len(values))
        Measurement.objects.bulk_create(
            Measurement(indicator=indicator, period_end=end, value=Decimal(value))
            for end, value in zip(ends, values, strict=True)
        )
    return indicator

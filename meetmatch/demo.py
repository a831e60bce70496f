"""The demo event (slug ``demo``): a startup and investor networking afternoon in Stockholm."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from .accounts import set_organiser_password
from .events import create_event, generate_rounds
from .extensions import db
from .models import Attendee, Event, Organiser, utcnow

DEMO_ORGANISER_EMAIL = "organiser@example.com"
DEMO_ORGANISER_PASSWORD = "demo-organiser"  # printed by `make run`; production refuses it  # nosec B105
DEMO_SLUG = "demo"

TOPICS = [
    "Seed funding", "Series A funding", "Angel investment", "Mentoring", "Go-to-market strategy",
    "Sales in the Nordics", "Recruiting developers", "UX design", "Product management",
    "Cloud infrastructure", "AI and machine learning", "Legal and contracts", "Accounting",
    "Public grants", "Pilot customers", "Partnerships", "Marketing", "Sustainability",
    "Export to Germany", "Impact investing",
]

# name, organisation, title, offers (topics), needs (topics), offers_text, needs_text.
# Founders offer what their product does and need money and services; investors, advisers and
# service firms offer those and need what the founders' products solve. Written in different
# words on the two sides (often in the other language), so the demo shows what the scorer
# understands rather than shared keywords.
PEOPLE = [
    ("Alice Park", "Pixelry", "Founder & CEO", ["Pilot customers"], ["Seed funding", "Legal and contracts"],
     "Our app lets salons, clinics and coaches take bookings and payments online. An investment opportunity: booking software used by 800 paying businesses.",
     "A lead investor for our first priced round of about 5 MSEK. Help with the shareholder agreement."),
    ("Bruno Lindqvist", "Northstar Ventures", "Partner", ["Seed funding", "Series A funding"],
     ["UX design"],
     "We write first cheques of 2–10 MSEK into Nordic software startups. Board experience from twelve SaaS companies.",
     "Nya mjukvarubolag att investera i. Flera av våra portföljbolag tappar användare redan vid registreringen i appen."),
    ("Chen Wei", "Lumo Robotics", "CTO", ["AI and machine learning", "Sustainability"],
     ["Recruiting developers", "Mentoring"],
     "Robotar med datorseende som sorterar byggavfall och plast. Machine learning from computer vision to ranking models.",
     "Five embedded engineers this year. Advice on leading a team that doubles every year."),
    ("Dagny Holm", "Talentia Rekrytering", "Recruitment lead", ["Recruiting developers"],
     ["AI and machine learning", "Legal and contracts"],
     "We headhunt embedded, firmware and backend engineers across Sweden.",
     "Vi vill låta en modell sortera tusentals ansökningar åt oss. Anställningsavtal som skriver sig själva."),
    ("Erik Sandberg", "Almi", "Business advisor", ["Public grants", "Mentoring"], ["Sustainability"],
     "Hjälp att skriva ansökningar till Vinnova och EU:s innovationsprogram. Lån till tidiga bolag.",
     "Circular-economy companies to present at our regional climate programme."),
    ("Fatima Rahimi", "GreenLoop", "Founder", ["Sustainability"], ["Public grants", "Impact investing", "Accounting"],
     "We turn plastic waste from food production into reusable packaging and crates. A climate company with paying customers.",
     "Money for a pilot plant; we have never written a grant application. Investors who care about climate. Someone to keep our books."),
    ("Gustav Ek", "Ek & Partners Advokatbyrå", "Lawyer", ["Legal and contracts"], ["Accounting"],
     "Drafting and reviewing shareholder agreements, term sheets and employment contracts.",
     "Vi vill sluta fakturera för hand och få ordning på byråns bokföring. Mallar för avtal som fyller i sig själva."),
    ("Mohammed Ali", "Paybridge", "Founder", ["Accounting"], ["Legal and contracts", "Seed funding"],
     "Software that automates invoicing and bookkeeping for small firms. An investment opportunity in fintech.",
     "Someone to read through the investment agreement before we sign it. A seed investor in fintech."),
    ("Hanna Berg", "Scaleup Sweden", "Mentor", ["Mentoring", "Go-to-market strategy"],
     ["Impact investing", "Product management"],
     "Ten years of helping founders sell B2B software to their first hundred customers. I coached three CTOs through hypergrowth.",
     "Co-investors for climate and health deals. Health-tech startups for our next accelerator cohort."),
    ("Björn Dahl", "Dahl Capital", "Investment manager", ["Series A funding", "Impact investing"],
     ["Sustainability", "Mentoring"],
     "Series A rounds of 20–50 MSEK in impact companies; we often syndicate with angels.",
     "Klimatbolag med kunder som betalar. Experienced mentors who can teach our portfolio founders how to sell."),
    ("Rebecka Ström", "Mindful Health", "Founder", ["Product management"], ["Angel investment", "Public grants"],
     "Ett digitalt KBT-program mot stress och utbrändhet, med 20 000 användare.",
     "An angel who knows healthcare and can open doors to the regions. Funding for a study in primary care."),
    ("Leo Andersson", "Andersson Angels", "Angel investor", ["Angel investment"], ["Product management"],
     "Angel money and contacts in Swedish healthcare regions.",
     "Investment opportunities in digital mental-health and care apps."),
    ("Ibrahim Yusuf", "Freightly", "CEO", ["Pilot customers", "Partnerships"], ["AI and machine learning", "Series A funding"],
     "A fleet of 300 trucks where you can try your software on real routes.",
     "Smarter route planning to cut our fuel costs. A lead for our series A."),
    ("Sami Virtanen", "Arctic AI", "ML engineer", ["AI and machine learning"], ["Pilot customers", "Recruiting developers"],
     "Prognosmodeller för efterfrågan, transporter och solelproduktion.",
     "Real logistics or retail data to test our forecasting on. Two more data engineers."),
    ("Johanna Nilsson", "Nordic Angels", "Angel investor", ["Angel investment", "Mentoring"],
     ["Sustainability"],
     "Angel tickets and board experience from hardware companies.",
     "Hållbara hårdvarubolag att investera i, gärna inom energi eller återvinning."),
    ("Vera Holmgren", "Solcellskraft", "Founder", ["Sustainability"], ["Angel investment", "Export to Germany"],
     "Vi bygger solcellsdrivna batterilager för lantbruk och byggarbetsplatser. En investeringsmöjlighet inom energilagring.",
     "Our first outside capital, ideally from an angel who understands hardware. A way into the German market."),
    ("Karl Åberg", "CloudNine Hosting", "Sales director", ["Cloud infrastructure"], ["Marketing", "AI and machine learning"],
     "Free hosting credits and hands-on help moving your services to the cloud.",
     "A way to get our offer in front of startup founders. Something that answers the flood of support tickets."),
    ("Tove Engström", "Growth Rocket", "Marketing consultant", ["Marketing", "Go-to-market strategy"],
     ["Cloud infrastructure"],
     "Growth campaigns aimed at tech founders, parents and small-business owners.",
     "Our clients' websites keep crashing whenever a campaign brings a traffic spike. Edtech or family brands that want to be our next case study."),
    ("Lena Fors", "Designbyrån Fors", "Front-end lead", ["UX design"], ["Pilot customers"],
     "Front-end performance audits and mobile UX. Vi gör om krångliga registreringsflöden.",
     "En känd e-handlare eller app som referenskund vi kan skriva ett case om."),
    ("David Nguyen", "Shopnest", "CEO", ["Pilot customers", "Sales in the Nordics"], ["UX design", "AI and machine learning"],
     "Shopnest is a Nordic online store with 40,000 customers a month, open to pilot projects.",
     "Our web shop is painfully slow on phones and people abandon the checkout. Our customer service drowns in email."),
    ("Nils Gran", "Gran Moln", "Cloud consultant", ["Cloud infrastructure"], ["Mentoring"],
     "I cut cloud bills by reviewing AWS set-ups line by line. Load tests so a site stays up when the visitors pour in.",
     "Someone who has grown an engineering team from 5 to 50. Marknadsföring som ger oss fler kunder bland techbolag."),
    ("Henrik Stål", "Stål Mentoring", "Executive coach", ["Mentoring"], ["Cloud infrastructure", "Pilot customers"],
     "Coachning för tekniska chefer i bolag som växer snabbt.",
     "Vår coachningsplattform har fått en dubbelt så hög serverräkning i år. A simple way for clients to book sessions."),
    ("Nora Lund", "Vinnova", "Programme manager", ["Public grants"], ["Partnerships"],
     "Innovation grants for deep tech and the built environment.",
     "Strong consortia of companies and universities that could apply in the autumn call. Health-tech and climate-tech startups ready to apply for innovation funding."),
    ("Oskar Wallin", "Byggtech AB", "Head of innovation", ["Partnerships", "Pilot customers"],
     ["Public grants", "Sustainability"],
     "A consortium with KTH and two builders working on low-carbon concrete. Building sites open to pilots.",
     "Co-funding for a research project with a university. Batteries that can replace diesel generators on site."),
    ("Petra Sjöberg", "Sjöberg Redovisning", "Accountant", ["Accounting"], ["Marketing", "Pilot customers"],
     "Redovisning, löner och bokslut för småföretag. Vi kan rekommendera er till hundratals småföretagare bland våra kunder.",
     "A website and a brand that bring in new clients. Clients should be able to book a meeting with us online. Juridisk hjälp med våra kundavtal."),
    ("Greta Öberg", "Öberg Design Studio", "Designer", ["Marketing", "UX design"], ["Accounting"],
     "Brand identity and websites for small companies.",
     "Vi letar efter en redovisningsbyrå. Nya uppdrag från nystartade bolag som behöver en hemsida."),
    ("Quentin Moreau", "EuroBridge Trade", "Export advisor", ["Export to Germany"],
     ["Legal and contracts"],
     "Market entry in Germany and France: partners, distributors and trade fairs.",
     "A faster way to produce distribution agreements for our clients. Solar and cleantech companies for a German trade fair in spring."),
    ("Klara Persson", "Persson Legal Tech", "Founder", ["Legal and contracts"], ["Export to Germany", "Seed funding"],
     "Contract automation that drafts NDAs, reseller and employment agreements in minutes.",
     "Vi vill börja sälja i Tyskland nästa år. En investerare som tror på legal tech."),
    ("Ingrid Mäkinen", "Nordic Export Council", "Advisor", ["Export to Germany", "Public grants"],
     ["Partnerships"],
     "Export grants and places on trade missions abroad.",
     "A room full of founders who want to go international. Svenska bolag med en produkt som tyska kunder redan frågar efter."),
    ("Zlatan Novak", "Fintech Hub", "Community lead", ["Partnerships"], ["Export to Germany", "Accounting"],
     "Introductions to 300 fintech founders in our community.",
     "Someone who can explain export financing to our members. Cheap, reliable servers for the startups in our hub. A new logo and visual identity for our community."),
    ("Ulf Karlsson", "Karlsson Invest", "Business angel", ["Angel investment", "Seed funding"],
     ["AI and machine learning"],
     "Investerar i tidiga bolag inom AI, 250 000–1 miljon kronor.",
     "AI startups that already have paying customers."),
    ("Jonas Berglund", "Hivemind", "Founder", ["AI and machine learning"], ["Seed funding", "Recruiting developers"],
     "Language models that answer customer-service email; 12 paying customers. An investment opportunity in applied AI.",
     "Seed investors who understand AI. Help hiring our first backend engineers."),
    ("Xenia Popova", "TalentBridge", "HR partner", ["Recruiting developers"], ["Partnerships", "Legal and contracts"],
     "Hiring plans and onboarding for your first 20 employees.",
     "A reliable way to ship welcome kits to new hires across the Nordics. Något som hjälper våra kunders anställda att må bra."),
    ("Maja Ekström", "Freightly", "COO", ["Partnerships"], ["Recruiting developers", "AI and machine learning"],
     "Same-day deliveries anywhere in the Nordics. Två års paketdata som vi gärna delar i ett pilotprojekt.",
     "We must build a finance and operations team from scratch. Better forecasts of how many parcels come each day."),
    ("Amira Saleh", "Kidcode", "Founder", ["Product management"], ["Public grants", "Marketing"],
     "Programmeringskurser för barn, även som fritidsklubbar i skolor. Ett varumärke som föräldrar älskar, att bygga en kampanj kring.",
     "Public money to bring our courses to more schools. Getting parents to hear about us."),
    ("Ebba Lindgren", "Region Stockholm", "Innovation advisor", ["Public grants", "Partnerships"],
     ["Product management"],
     "Regional funding for education and health innovation.",
     "Pilots in schools that teach children digital skills. Digital support for patients with stress."),
    ("Cecilia Wikström", "Lexicon Legal", "IP lawyer", ["Legal and contracts"], ["Cloud infrastructure"],
     "Patents and IP strategy for software and deep tech.",
     "Vår byrå behöver få ordning på tjugo års ärendedata. Deep-tech founders who have invented something worth protecting."),
    ("William Chen", "DataDock", "Co-founder", ["Cloud infrastructure"], ["Legal and contracts", "Seed funding"],
     "We set up data warehouses and clean up messy archives. An investment opportunity in data infrastructure.",
     "Should we patent our compression algorithm, and how? Our first outside investor."),
    ("Yasmin Haddad", "Oatly Labs", "Open innovation manager", ["Pilot customers"], ["Sustainability", "AI and machine learning"],
     "Pilot projects with a food brand sold in 20 countries.",
     "Startups that can make our packaging circular. Forecasting demand so less food is wasted."),
    ("Filip Jansson", "Jansson Bygg", "Site manager", ["Pilot customers"], ["Sustainability"],
     "Construction sites where new building tech can be tested.",
     "Ideas to cut the energy use of our building sites. Vi slänger för mycket blandat avfall."),
]


def secure_demo_organiser(password: str) -> bool:
    """For a production instance: the demo organiser gets ``password`` (made if missing) unless
    they already have one of their own; the published demo password never stays. Returns
    whether ``password`` was set."""
    organiser = db.session.execute(
        db.select(Organiser).filter_by(email=DEMO_ORGANISER_EMAIL)
    ).scalar_one_or_none()
    if organiser is not None and not organiser.check_password(DEMO_ORGANISER_PASSWORD):
        return False
    set_organiser_password(DEMO_ORGANISER_EMAIL, password, "Demo Organiser")
    return True


def seed_demo_event(day: date | None = None) -> tuple[Event, bool]:
    """Create the demo organiser and event with its attendees; idempotent (returns (event, created))."""
    organiser = db.session.execute(
        db.select(Organiser).filter_by(email=DEMO_ORGANISER_EMAIL)
    ).scalar_one_or_none()
    if organiser is None:
        organiser, _ = set_organiser_password(DEMO_ORGANISER_EMAIL, DEMO_ORGANISER_PASSWORD, "Demo Organiser")
    event = db.session.execute(db.select(Event).filter_by(slug=DEMO_SLUG)).scalar_one_or_none()
    if event is not None:
        return event, False
    day = day or (datetime.now().date() + timedelta(days=14))
    event = create_event(
        organiser,
        {
            "name": "Startup & Investor Afternoon",
            "slug": DEMO_SLUG,
            "description": "Short one-to-one meetings between founders, investors, corporates and "
            "mentors. Tell us what you can offer and what you need: every meeting is chosen so "
            "that both of you gain.\n\nFika is served between the rounds.",
            "venue": "Epicenter, Mäster Samuelsgatan 36, Stockholm",
            "contact_email": DEMO_ORGANISER_EMAIL,  # Reply-To of its mail, as a real event has
            "timezone": "Europe/Stockholm",
            "num_tables": 20,
            "table_names": "",
            "registration_open": True,
            "block_same_organisation": True,
            "min_meetings": None,
            "mutuality": None,
            "topic_names": TOPICS,
        },
        generate_rounds(day, time(13, 0), 15, 5, 5),
    )
    topics = {t.name: t for t in event.topics}
    for index, (name, org, title, offers, needs, offers_text, needs_text) in enumerate(PEOPLE):
        local = name.split()[0].lower().replace("å", "a").replace("ä", "a").replace("ö", "o")
        attendee = Attendee(
            event=event,
            name=name,
            email=f"{local}.{index}@example.com",
            organisation=org,
            title=title,
            offers=[topics[t] for t in offers],
            needs=[topics[t] for t in needs],
            offers_text=offers_text,
            needs_text=needs_text,
            available_rounds="1,2,3" if index % 9 == 4 else None,
            max_meetings=4 if index % 11 == 3 else None,
            # Most demo people agreed to be listed, so "Who is coming" has people in it.
            listed_at=utcnow() if index % 5 != 2 else None,
        )
        db.session.add(attendee)
    db.session.commit()
    return event, True

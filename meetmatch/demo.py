"""The demo event (slug ``demo``): a startup and investor networking afternoon in Stockholm."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from .accounts import set_organiser_password
from .events import create_event, generate_rounds
from .extensions import db
from .models import Attendee, Event, Organiser

DEMO_ORGANISER_EMAIL = "organiser@example.com"
DEMO_ORGANISER_PASSWORD = "demo-organiser"  # printed by `make run`; a demo account only
DEMO_SLUG = "demo"

TOPICS = [
    "Seed funding", "Series A funding", "Angel investment", "Mentoring", "Go-to-market strategy",
    "Sales in the Nordics", "Recruiting developers", "UX design", "Product management",
    "Cloud infrastructure", "AI and machine learning", "Legal and contracts", "Accounting",
    "Public grants", "Pilot customers", "Partnerships", "Marketing", "Sustainability",
    "Export to Germany", "Impact investing",
]

# name, organisation, title, offers (topics), needs (topics), offers_text, needs_text.
# Written in pairs whose offers answer each other's needs in different words (and often in the
# other language), so that the demo shows what the scorer understands, not shared keywords.
PEOPLE = [
    ("Alice Park", "Pixelry", "Founder & CEO", ["UX design"], ["Seed funding"],
     "I can review your app's onboarding and sign-up flow and tell you where people give up.",
     "A lead investor for our first priced round of about 5 MSEK."),
    ("Bruno Lindqvist", "Northstar Ventures", "Partner", ["Seed funding", "Series A funding"],
     ["UX design"],
     "We write first cheques of 2–10 MSEK into Nordic software startups.",
     "Flera av våra portföljbolag tappar användare redan vid registreringen i appen."),
    ("Chen Wei", "Lumo Robotics", "CTO", ["AI and machine learning"], ["Recruiting developers"],
     "Machine learning from computer vision to ranking models; happy to look at your data.",
     "Vi behöver anställa fem utvecklare inom inbyggda system i år."),
    ("Dagny Holm", "Talentia Rekrytering", "Recruitment lead", ["Recruiting developers"],
     ["AI and machine learning"],
     "We headhunt embedded and firmware engineers across Sweden.",
     "Vi vill låta en modell sortera tusentals ansökningar åt oss."),
    ("Erik Sandberg", "Almi", "Business advisor", ["Public grants", "Mentoring"], ["Sustainability"],
     "Hjälp att skriva ansökningar till Vinnova och EU:s innovationsprogram.",
     "A real circular-economy company to present at our regional climate programme."),
    ("Fatima Rahimi", "GreenLoop", "Founder", ["Sustainability"], ["Public grants", "Impact investing"],
     "We turn plastic waste from food production into reusable packaging.",
     "Money for a pilot plant. We have never written a grant application."),
    ("Gustav Ek", "Ek & Partners Advokatbyrå", "Lawyer", ["Legal and contracts"], ["Accounting"],
     "Drafting and reviewing shareholder agreements and term sheets.",
     "Vi vill sluta fakturera för hand och få ordning på byråns bokföring."),
    ("Mohammed Ali", "Paybridge", "Founder", ["Accounting"], ["Legal and contracts"],
     "Software that automates invoicing and bookkeeping for small firms.",
     "Someone to read through the investment agreement before we sign it."),
    ("Hanna Berg", "Scaleup Sweden", "Mentor", ["Mentoring", "Go-to-market strategy"],
     ["Impact investing"],
     "Ten years of helping founders sell B2B software to their first hundred customers.",
     "Co-investors for climate and health deals that our network brings in."),
    ("Björn Dahl", "Dahl Capital", "Investment manager", ["Series A funding", "Impact investing"],
     ["Go-to-market strategy", "Mentoring"],
     "Series A rounds in impact companies; we often syndicate with angels.",
     "Experienced mentors who can teach our portfolio founders how to sell."),
    ("Rebecka Ström", "Mindful Health", "Founder", ["Product management"], ["Angel investment"],
     "Ett digitalt KBT-program med 20 000 användare som tar in kapital just nu.",
     "An angel who knows healthcare and can open doors to the regions."),
    ("Leo Andersson", "Andersson Angels", "Angel investor", ["Angel investment"], ["Product management"],
     "Angel money and contacts in Swedish healthcare regions.",
     "Investment opportunities in digital mental-health apps."),
    ("Ibrahim Yusuf", "Freightly", "CEO", ["Pilot customers"], ["AI and machine learning"],
     "A fleet of 300 trucks where you can try your software on real routes.",
     "Smarter route planning to cut our fuel costs."),
    ("Sami Virtanen", "Arctic AI", "ML engineer", ["AI and machine learning"], ["Pilot customers"],
     "Optimisation and forecasting models for transport and logistics.",
     "Real logistics data to test our forecasting on."),
    ("Johanna Nilsson", "Nordic Angels", "Angel investor", ["Angel investment", "Mentoring"],
     ["Sustainability"],
     "Angel tickets and board experience from hardware companies.",
     "Hållbara hårdvarubolag att investera i."),
    ("Vera Holmgren", "Solcellskraft", "Founder", ["Sustainability"], ["Angel investment"],
     "Vi bygger solcellsdrivna batterilager för lantbruk.",
     "Our first outside capital, ideally from an angel who understands hardware."),
    ("Karl Åberg", "CloudNine Hosting", "Sales director", ["Cloud infrastructure"], ["Marketing"],
     "Free hosting credits and hands-on help moving your services to the cloud.",
     "A way to get our offer in front of startup founders."),
    ("Tove Engström", "Growth Rocket", "Marketing consultant", ["Marketing", "Go-to-market strategy"],
     ["Cloud infrastructure"],
     "Growth campaigns aimed at tech founders and developers.",
     "Our clients' websites keep crashing whenever a campaign brings a traffic spike."),
    ("Lena Fors", "Designbyrån Fors", "Front-end lead", ["UX design"], ["Pilot customers"],
     "Front-end performance audits and mobile UX.",
     "En känd e-handlare som referenskund vi kan skriva ett case om."),
    ("David Nguyen", "Shopnest", "CEO", ["Pilot customers", "Sales in the Nordics"], ["UX design"],
     "Shopnest is a Nordic online store with 40,000 customers a month, open to pilot projects.",
     "Our web shop is painfully slow on phones and people abandon the checkout."),
    ("Nils Gran", "Pixelry", "Lead developer", ["Cloud infrastructure"], ["Mentoring"],
     "I cut cloud bills by reviewing AWS set-ups line by line.",
     "Someone who has grown an engineering team from 5 to 50."),
    ("Henrik Stål", "Stål Mentoring", "Executive coach", ["Mentoring"], ["Cloud infrastructure"],
     "I coached three CTOs through hypergrowth.",
     "Vår coachningsplattform har fått en dubbelt så hög serverräkning i år."),
    ("Nora Lund", "Vinnova", "Programme manager", ["Public grants"], ["Partnerships"],
     "Innovation grants for deep tech and the built environment.",
     "Strong consortia of companies and universities that could apply in the autumn call."),
    ("Oskar Wallin", "Byggtech AB", "Head of innovation", ["Partnerships", "Pilot customers"],
     ["Public grants"],
     "A consortium with KTH and two builders working on low-carbon concrete.",
     "Co-funding for a research project with a university."),
    ("Petra Sjöberg", "Sjöberg Redovisning", "Accountant", ["Accounting"], ["Marketing"],
     "Redovisning, löner och bokslut för småföretag.",
     "A website and a brand that bring in new clients."),
    ("Greta Öberg", "Öberg Design Studio", "Designer", ["Marketing", "UX design"], ["Accounting"],
     "Brand identity and websites for small companies.",
     "Vi letar efter en redovisningsbyrå."),
    ("Quentin Moreau", "EuroBridge Trade", "Export advisor", ["Export to Germany"],
     ["Legal and contracts"],
     "Market entry in Germany and France: partners, distributors and trade fairs.",
     "A faster way to produce distribution agreements for our clients."),
    ("Klara Persson", "Persson Legal Tech", "Founder", ["Legal and contracts"], ["Export to Germany"],
     "Contract automation that drafts NDAs and reseller agreements in minutes.",
     "Vi vill börja sälja i Tyskland nästa år."),
    ("Ingrid Mäkinen", "Nordic Export Council", "Advisor", ["Export to Germany", "Public grants"],
     ["Partnerships"],
     "Export grants and places on trade missions abroad.",
     "A room full of founders who want to go international."),
    ("Zlatan Novak", "Fintech Hub", "Community lead", ["Partnerships"], ["Export to Germany"],
     "Introductions to 300 fintech founders in our community.",
     "Someone who can explain export financing to our members."),
    ("Ulf Karlsson", "Karlsson Invest", "Business angel", ["Angel investment", "Seed funding"],
     ["AI and machine learning"],
     "Investerar i tidiga bolag inom AI, 250 000–1 miljon kronor.",
     "AI startups that already have paying customers."),
    ("Jonas Berglund", "Hivemind", "Founder", ["AI and machine learning"], ["Seed funding"],
     "Language models that answer customer-service email; 12 paying customers.",
     "Seed investors who understand AI."),
    ("Xenia Popova", "TalentBridge", "HR partner", ["Recruiting developers"], ["Partnerships"],
     "Hiring plans and onboarding for your first 20 employees.",
     "A reliable way to ship welcome kits to new hires across the Nordics."),
    ("Maja Ekström", "Freightly", "COO", ["Partnerships"], ["Recruiting developers"],
     "Same-day deliveries anywhere in the Nordics.",
     "We must build a finance and operations team from scratch."),
    ("Amira Saleh", "Kidcode", "Founder", ["Product management"], ["Public grants"],
     "Programmeringskurser för barn, även som fritidsklubbar i skolor.",
     "Public money to bring our courses to more schools."),
    ("Ebba Lindgren", "Region Stockholm", "Innovation advisor", ["Public grants", "Partnerships"],
     ["Product management"],
     "Regional funding for education and health innovation.",
     "Pilots in schools that teach children digital skills."),
    ("Cecilia Wikström", "Lexicon Legal", "IP lawyer", ["Legal and contracts"], ["Cloud infrastructure"],
     "Patents and IP strategy for software and deep tech.",
     "Vår byrå behöver få ordning på tjugo års ärendedata."),
    ("William Chen", "DataDock", "Co-founder", ["Cloud infrastructure"], ["Legal and contracts"],
     "We set up data warehouses and clean up messy archives.",
     "Should we patent our compression algorithm, and how?"),
    ("Yasmin Haddad", "Oatly Labs", "Open innovation manager", ["Pilot customers"], ["Sustainability"],
     "Pilot projects with a food brand sold in 20 countries.",
     "Startups that can make our packaging circular."),
    ("Filip Jansson", "Jansson Bygg", "Site manager", ["Pilot customers"], ["Sustainability"],
     "Construction sites where new building tech can be tested.",
     "Ideas to cut the energy use of our building sites."),
]


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
            "timezone": "Europe/Stockholm",
            "num_tables": 20,
            "table_names": "",
            "registration_open": True,
            "block_same_organisation": True,
            "min_meetings": None,
            "mutuality": None,
            "topic_names": TOPICS,
        },
        generate_rounds(day, time(13, 0), 15, 5, 6),
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
            available_rounds="1,2,3,4" if index % 9 == 4 else None,
            max_meetings=4 if index % 11 == 3 else None,
        )
        db.session.add(attendee)
    db.session.commit()
    return event, True

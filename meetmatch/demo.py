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

# name, organisation, title, offers, needs, offers_text, needs_text
PEOPLE = [
    ("Alice Park", "Pixelry", "Founder & CEO", ["UX design"], ["Seed funding", "Mentoring"],
     "I can review your app's onboarding flow", "a lead investor for our seed round"),
    ("Bruno Lindqvist", "Northstar Ventures", "Partner", ["Seed funding", "Series A funding"],
     ["Pilot customers", "UX design"], "seed and series A tickets of 2–10 MSEK", "startups in climate tech"),
    ("Chen Wei", "Lumo Robotics", "CTO", ["AI and machine learning", "Cloud infrastructure"],
     ["Recruiting developers"], "computer vision know-how", "rekrytera utvecklare inom inbyggda system"),
    ("Dagny Holm", "Talentia Rekrytering", "Recruitment lead", ["Recruiting developers"],
     ["Partnerships", "Marketing"], "rekrytering av utvecklare och tech-chefer", "fler startupkunder"),
    ("Erik Sandberg", "Almi", "Business advisor", ["Public grants", "Mentoring"],
     ["Partnerships"], "hjälp med ansökningar om offentliga bidrag", "startups som söker finansiering"),
    ("Fatima Rahimi", "GreenLoop", "Founder", ["Sustainability"], ["Impact investing", "Seed funding"],
     "circular packaging expertise", "impact investors for our first round"),
    ("Gustav Ek", "Ek & Partners Advokatbyrå", "Lawyer", ["Legal and contracts"],
     ["Pilot customers"], "term sheets, shareholder agreements", "growing tech companies as clients"),
    ("Hanna Berg", "Scaleup Sweden", "Mentor", ["Mentoring", "Go-to-market strategy"],
     ["Impact investing"], "ten years of SaaS go-to-market experience", "co-investors for impact deals"),
    ("Ibrahim Yusuf", "Freightly", "CEO", ["Pilot customers", "Partnerships"],
     ["AI and machine learning", "Series A funding"], "a logistics network for pilots",
     "machine learning for route optimisation"),
    ("Johanna Nilsson", "Nordic Angels", "Angel investor", ["Angel investment", "Mentoring"],
     ["Sustainability"], "angel tickets and board experience", "sustainable hardware startups"),
    ("Karl Åberg", "CloudNine Hosting", "Sales director", ["Cloud infrastructure"],
     ["Pilot customers", "Sales in the Nordics"], "startup credits for cloud hosting", "new customers"),
    ("Lena Fors", "Designbyrån Fors", "UX lead", ["UX design", "Product management"],
     ["Partnerships"], "user research and prototyping", "startups that need design help"),
    ("Mohammed Ali", "Paybridge", "Founder", ["Accounting"], ["Seed funding", "Legal and contracts"],
     "automated bookkeeping for startups", "help with our shareholder agreement"),
    ("Nora Lund", "Vinnova", "Programme manager", ["Public grants"], ["Sustainability"],
     "innovation grants for deep tech", "impactful projects to fund"),
    ("Oskar Wallin", "Byggtech AB", "Head of innovation", ["Pilot customers", "Partnerships"],
     ["AI and machine learning", "Sustainability"], "pilot sites in construction",
     "AI for energy use in buildings"),
    ("Petra Sjöberg", "Sjöberg Redovisning", "Accountant", ["Accounting"], ["Pilot customers"],
     "redovisning och bokslut för startups", "nya kunder bland startups"),
    ("Quentin Moreau", "EuroBridge Trade", "Export advisor", ["Export to Germany", "Sales in the Nordics"],
     ["Partnerships"], "market entry in Germany and France", "companies planning to export"),
    ("Rebecka Ström", "Mindful Health", "Founder", ["Product management"],
     ["Angel investment", "Mentoring", "Legal and contracts"], "", "an experienced mentor in health tech"),
    ("Sami Virtanen", "Arctic AI", "ML engineer", ["AI and machine learning"],
     ["Series A funding", "Recruiting developers"], "machine learning models for forecasting",
     "hiring engineers in Stockholm"),
    ("Tove Engström", "Growth Rocket", "Marketing consultant", ["Marketing", "Go-to-market strategy"],
     ["Pilot customers"], "growth marketing playbooks", "B2B startups to work with"),
    ("Ulf Karlsson", "Karlsson Invest", "Business angel", ["Angel investment", "Seed funding"],
     ["AI and machine learning"], "investerar i tidiga bolag inom AI", "AI startups with revenue"),
    ("Vera Holmgren", "Solcellskraft", "Founder", ["Sustainability"], ["Public grants", "Export to Germany"],
     "solar installation know-how", "grants and the German market"),
    ("William Chen", "DataDock", "Co-founder", ["Cloud infrastructure", "AI and machine learning"],
     ["Sales in the Nordics", "Seed funding"], "data platform engineering", "our first Nordic customers"),
    ("Xenia Popova", "TalentBridge", "HR partner", ["Recruiting developers", "Mentoring"],
     ["Marketing"], "hiring plans for first 20 employees", "visibility among founders"),
    ("Yasmin Haddad", "Oatly Labs", "Open innovation manager", ["Partnerships", "Pilot customers"],
     ["Sustainability", "Product management"], "pilot projects with a food brand",
     "sustainable packaging startups"),
    ("Zlatan Novak", "Fintech Hub", "Community lead", ["Partnerships", "Mentoring"],
     ["Accounting", "Legal and contracts"], "introductions in the fintech community", "experts for our members"),
    ("Amira Saleh", "Kidcode", "Founder", ["Product management"], ["Seed funding", "Recruiting developers"],
     "coding education for children", "investors and developers"),
    ("Björn Dahl", "Dahl Capital", "Investment manager", ["Series A funding", "Impact investing"],
     ["Sustainability", "Pilot customers"], "series A for impact companies", "climate tech with traction"),
    ("Cecilia Wikström", "Lexicon Legal", "IP lawyer", ["Legal and contracts"],
     ["AI and machine learning"], "patents and IP strategy", "deep tech clients"),
    ("David Nguyen", "Shopnest", "CEO", ["Sales in the Nordics", "Marketing"],
     ["UX design", "Cloud infrastructure"], "e-commerce growth tactics", "a better checkout design"),
    ("Ebba Lindgren", "Region Stockholm", "Innovation advisor", ["Public grants", "Partnerships"],
     ["Pilot customers"], "regional innovation funding", "health tech pilots"),
    ("Filip Jansson", "Jansson Bygg", "Site manager", ["Pilot customers"], ["Sustainability", "AI and machine learning"],
     "construction sites for testing", "energy efficiency ideas"),
    ("Greta Öberg", "Öberg Design Studio", "Designer", ["UX design", "Marketing"],
     ["Angel investment"], "brand identity for startups", "funding for our own product"),
    ("Henrik Stål", "Stål Mentoring", "Executive coach", ["Mentoring", "Go-to-market strategy"],
     ["Partnerships"], "coaching for first-time CEOs", "founders who want a mentor"),
    ("Ingrid Mäkinen", "Nordic Export Council", "Advisor", ["Export to Germany", "Public grants"],
     ["Partnerships"], "export grants and trade missions", "companies ready to export"),
    ("Jonas Berglund", "Hivemind", "Founder", ["AI and machine learning"], ["Seed funding", "Mentoring"],
     "language models for customer service", "seed investors who know AI"),
    ("Klara Persson", "Persson Legal Tech", "Founder", ["Legal and contracts"], ["Series A funding", "Marketing"],
     "contract automation", "a series A lead"),
    ("Leo Andersson", "Andersson Angels", "Angel investor", ["Angel investment", "Mentoring"],
     ["Recruiting developers"], "angel investing in software", "developers for my portfolio companies"),
    ("Maja Ekström", "Freightly", "COO", ["Partnerships"], ["Recruiting developers", "Accounting"],
     "logistics partnerships", "a finance team"),
    ("Nils Gran", "Pixelry", "Lead developer", ["Cloud infrastructure"], ["Mentoring"],
     "cloud cost reviews", "a mentor for a first-time tech lead"),
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

"""The words the sample network is made of: names, companies, favors, conversations.

Read by ``demo`` (which removes the sample's organizations and tags by these names)
and by ``demo_scale`` (which builds the network from them).
"""

# Name lists this long read better as text than as list literals.
FIRST = (  # noqa: SIM905
    "Ana Ben Carla Dev Elena Farid Grace Hiro Ines Jonas Kemi Luis Maya Noah Olga Priya "
    "Quinn Rosa Sam Tomás Uma Viktor Wen Yara Zoe Amara Bruno Chloé Dmitri Esther Felix "
    "Gabriela Hannah Ivan Julia Kofi Lena Marco Nadia Oscar Paula Rafael Sofia Theo "
    "Valentina William Xavier Yusuf Zainab José Björn Łucja Søren Aoife Nguyễn"
).split()
LAST = (  # noqa: SIM905
    "Alvarez Becker Chen Dubois Eriksen Fischer García Haddad Ito Jensen Kowalski Larsen "
    "Moreau Nakamura Okafor Patel Quintero Rossi Schmidt Tanaka Ueda Vasquez Weber Xu "
    "Yilmaz Zimmermann O'Brien Müller Novak Silva Andersson Brennan Costa Dimitrov Evans "
    "Ferreira Gupta Hoffmann Ibrahim Jovanović Kim Lindqvist Mendoza Nielsen Olsen Petrov"
).split()
# industry: (company stems, titles, what they offer, what they need)
INDUSTRIES = {
    "facilities": (
        ["Brightline Facilities", "Tower Property Group", "CleanPro Services", "Harbor Estates"],
        ["Facilities Manager", "Property Manager", "Operations Director"],
        [
            "commercial cleaning for office towers",
            "property management introductions",
            "carpet cleaning and floor care",
        ],
        ["a reliable HVAC contractor", "tenants for two floors of office space"],
    ),
    "finance": (
        ["Northgate Accounting", "Keystone Advisors", "Ledgerline CPA", "Summit Capital"],
        ["Partner", "Tax Advisor", "CFO", "Controller"],
        ["tax accounting for small firms", "bookkeeping and payroll", "growth financing advice"],
        ["a payroll system that small clients can use", "introductions to family businesses"],
    ),
    "manufacturing": (
        ["Ironwood Machining", "Delta Components", "Precision Parts Co", "Riverbend Plastics"],
        ["Plant Manager", "Purchasing Manager", "Head of Engineering", "Owner"],
        [
            "hard-to-find replacement parts",
            "CNC machining on short notice",
            "supplier quality audits",
        ],
        ["a second supplier for castings", "a good maintenance technician"],
    ),
    "software": (
        ["Brightwave Software", "Cobalt Analytics", "Nimbus Cloud", "Pixel Forge"],
        ["CTO", "Product Manager", "Head of Sales", "Founder"],
        ["custom software development", "data analytics dashboards", "IT security reviews"],
        ["customers in manufacturing", "a recruiter for senior engineers"],
    ),
    "legal": (
        ["Baker & Lund", "Meridian Law", "Crane Legal Partners"],
        ["Attorney", "Managing Partner", "Paralegal"],
        ["contract review for suppliers", "employment law advice", "trademark registration"],
        ["clients who are scaling up", "a bookkeeper for the firm"],
    ),
    "marketing": (
        ["Signal & Story", "Bright Lantern Media", "Northwind Creative"],
        ["Creative Director", "Marketing Manager", "Account Director"],
        ["website design and copywriting", "event photography", "trade show booth design"],
        ["a printer for large banners", "case studies from industrial clients"],
    ),
    "hr": (
        ["Talentbridge Recruiting", "People First HR", "Keystone Staffing"],
        ["Recruiter", "HR Director", "Talent Partner"],
        ["recruiting senior engineers", "temporary staff at short notice", "HR policy reviews"],
        ["hiring managers in software", "an employment lawyer they can trust"],
    ),
}
HOW_MET = (
    "Chamber of commerce breakfast",
    "Trade show booth next to ours",
    "Introduced at a golf day",
    "Customer of a customer",
    "Panel at the regional sales summit",
    "LinkedIn message",
    "Neighbour at the co-working space",
    "School fundraiser",
    "Cold call that went well",
)
TAGS = ("golf", "chamber", "vip", "conference", "alumni", "board", "local", "tennis", "book club")
FAVORS_GIVEN = (
    ("introduction", "Introduced them to {other}, who was looking for exactly this"),
    ("referral", "Referred a client with an office move coming up"),
    ("advice", "Walked them through how we price service contracts"),
    ("content", "Sent the white paper on cutting downtime in half"),
    ("time", "Helped set up their trade show booth on a Saturday"),
    ("resource", "Found the part they needed at a competitor's shop"),
    ("invitation", "Brought them along to the chamber breakfast"),
)
FAVORS_RECEIVED = (
    ("introduction", "Introduced me to the facilities lead at {other}"),
    ("referral", "Sent a prospect our way"),
    ("advice", "Reviewed our proposal before it went out"),
    ("time", "Gave me an hour to explain how their purchasing works"),
    ("resource", "Lent a meeting room for the customer workshop"),
)
SUMMARIES = (
    "Caught up on the quarter; they are hiring again",
    "Talked through the new site they are opening",
    "Sorted out the delayed delivery",
    "Lunch; mostly about their expansion plans",
    "Talked about a recommendation they need",
    "Reviewed last year's project together",
)
PROBLEMS = (
    "Downtime on line two is costing them a shift a week",
    "Their best installer is retiring this spring",
    "Cash flow is tight until the big invoice is paid",
    "",
)
OPPORTUNITIES = (
    "Second building comes online in the autumn",
    "They are consolidating suppliers next year",
    "Their sister company needs the same service",
    "",
)
STRATEGIES = (
    "Grow through acquisitions of small local firms",
    "Win larger accounts by offering service contracts",
    "Move upmarket with a premium line",
    "",
)
ANSWERS = (
    "Being home for dinner more often, and hitting the growth target",
    "Finding people who will actually show up",
    "Through my uncle's business, twenty years ago",
    "Their biggest customers all came from referrals",
    "A short email first, then a call",
)


# Extra names, so that 100,000 people are not forty namesakes each.
MORE_FIRST = (  # noqa: SIM905
    "Aaron Abigail Adel Adriana Ahmed Aiko Alba Aleksander Alice Amir Andrea Angela Anil "
    "Anton Arjun Astrid Beatriz Bianca Callum Camille Carlos Caroline Chen Chiara Claire "
    "Colm Daniel Daria Diego Duc Edward Eilidh Emeka Emil Emma Erik Fatima Femi Fiona "
    "Francesca Gareth Georg Gloria Hamza Hector Helga Ibrahim Ingrid Isabel Jakub James "
    "Jana Javier Jia Joanna Karim Karin Kenji Kira Lars Laura Leila Leon Liam Linnea Lucia "
    "Magnus Malik Mariam Mateo Mei Mikko Miriam Nasser Nina Nora Omar Patrick Pedro Petra "
    "Rahul Reza Rita Ruth Sara Sean Selin Simone Stefan Tariq Tereza Thandiwe Tobias Vera"
).split()
MORE_LAST = (  # noqa: SIM905
    "Abbott Acosta Adeyemi Aguilar Ahmed Bailey Baptiste Barros Bauer Bergstrom Blanco "
    "Bowen Campbell Castillo Chowdhury Clarke Cohen Cruz Dahl Das Delgado Diaz Doyle "
    "Eklund Farah Fernandes Fitzgerald Fontaine Fraser Fuentes Gallagher Grant Gray Hahn "
    "Hansen Hughes Iyer Jakobsen Janssen Johansson Kaplan Keller Khan Koch Kruger Lambert "
    "Laurent Lehmann Lopez Lund Mahmoud Marino Martins Meyer Molina Murphy Nair Navarro "
    "Nowak Nyberg Ortega Park Pereira Popescu Quinn Ramos Reid Ribeiro Romero Sato Sharma "
    "Singh Sokolov Sousa Stewart Suzuki Thomsen Torres Tran Varga Vogel Wagner Walsh Wang "
    "Wolff Yamamoto Young Zhang Ziegler Zubiri"
).split()
ORG_WORDS = (  # noqa: SIM905
    "Alder Apex Arbor Atlas Beacon Birch Blue Bridgeway Canyon Cardinal Cedar Clearwater "
    "Compass Copper Crescent Crown Eastgate Elm Ember Evergreen Falcon Fieldstone Granite "
    "Greenfield Harbor Hawthorne Highland Horizon Ironbridge Juniper Keystone Lakeside "
    "Landmark Liberty Lighthouse Maple Meadow Milestone Northstar Oakridge Orchard Pacific "
    "Pinnacle Prairie Quarry Redwood Ridgeline Riverside Sequoia Silverline Southport "
    "Spruce Stonebridge Summit Sunrise Tidewater Trailhead Union Vantage Westfield Willow"
).split()
ORG_SUFFIX = {
    "facilities": ("Facilities", "Property Group", "Cleaning Services", "Estates"),
    "finance": ("Accounting", "Advisors", "CPA", "Capital"),
    "manufacturing": ("Machining", "Components", "Plastics", "Metalworks"),
    "software": ("Software", "Analytics", "Cloud", "Labs"),
    "legal": ("Law", "Legal Partners", "& Associates"),
    "marketing": ("Media", "Creative", "Marketing"),
    "hr": ("Recruiting", "Staffing", "HR Partners"),
}
CITIES = (
    ("Portland", "OR", "97201"),
    ("Denver", "CO", "80202"),
    ("Austin", "TX", "78701"),
    ("Chicago", "IL", "60601"),
    ("Boston", "MA", "02108"),
    ("Seattle", "WA", "98101"),
    ("Atlanta", "GA", "30303"),
    ("Minneapolis", "MN", "55401"),
    ("Columbus", "OH", "43215"),
    ("Raleigh", "NC", "27601"),
)
STREETS = ("Main St", "Oak Ave", "Industrial Pkwy", "Harbor Blvd", "Market St", "Elm St")
AREA_CODES = ("415", "503", "303", "512", "312", "617", "206", "404", "612", "614", "919")
FOLLOWUP_TITLES = (
    "Send the case study",
    "Call about the renewal",
    "Check how the introduction went",
    "Send thanks for the referral",
    "Invite to the chamber breakfast",
    "Ask for the introduction to their CFO",
)

"""Word lists for the generated national dataset. Place names are made up from parts, so none is a real place."""

PLACE_STARTS = [
    "Ash",
    "Brook",
    "Clay",
    "Dun",
    "Elm",
    "Fair",
    "Glen",
    "Hart",
    "Kings",
    "Lang",
    "Marl",
    "New",
    "Oak",
    "Pen",
    "Red",
    "Stan",
    "Thorn",
    "Wal",
    "Whit",
    "Wick",
    "Bram",
    "Cal",
    "Hol",
    "Sel",
]
PLACE_ENDS = [
    "ford",
    "ham",
    "ley",
    "ton",
    "bury",
    "field",
    "wick",
    "mouth",
    "borough",
    "stead",
    "worth",
    "caster",
]
QUALIFIERS = ["North", "South", "East", "West", "Central", "Rural", "Vale of", "Greater"]
REGIONS = [
    ("NAT-R1", "NHS Commissioning Board – North of England"),
    ("NAT-R2", "NHS Commissioning Board – Midlands and East of England"),
    ("NAT-R3", "NHS Commissioning Board – London"),
    ("NAT-R4", "NHS Commissioning Board – South of England"),
]
# Shares of CCGs and HWBs by region, roughly as England was in 2013.
REGION_CCG_SHARE = [63, 61, 32, 55]
REGION_HWB_SHARE = [50, 37, 33, 32]
PRACTICE_KINDS = [
    "Surgery",
    "Medical Centre",
    "Health Centre",
    "Group Practice",
    "Family Practice",
    "Medical Practice",
]
STREETS = [
    "Park Road",
    "High Street",
    "Church Lane",
    "Station Road",
    "Mill Lane",
    "Victoria Road",
    "The Green",
    "Queens Road",
    "London Road",
    "Market Place",
    "Riverside",
    "Castle Street",
    "Manor Road",
    "Bridge Street",
]
PROVIDER_KINDS = [
    "Hospitals NHS Foundation Trust",
    "Teaching Hospitals NHS Trust",
    "Community Health Services NHS Trust",
    "Mental Health NHS Foundation Trust",
    "Ambulance Service NHS Trust",
]
FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Emma",
    "Farah",
    "George",
    "Hannah",
    "Imran",
    "Jade",
    "Kofi",
    "Laura",
    "Mohammed",
    "Nina",
    "Oliver",
    "Priya",
    "Rachel",
    "Sam",
    "Tom",
    "Uma",
    "Victor",
    "Wendy",
    "Yusuf",
    "Zoe",
]
SURNAMES = [
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Okafor",
    "Patel",
    "Roberts",
    "Smith",
    "Taylor",
    "Walker",
    "Wright",
    "Young",
]
OWNERS = [
    "Head of corporate affairs",
    "Chief finance officer",
    "Director of commissioning",
    "Clinical chair",
    "Head of governance",
    "Director of public health",
    "Head of quality",
    "Accountable officer",
]
NARRATIVES = [
    "Agreed at the governing body and reviewed with the HWB.",
    "In place; the joint commissioning group reviews it each quarter.",
    "Work has started with the local authority; a plan is due next quarter.",
    "Set out in our constitution and tested at the last members' meeting.",
    "We share this with the HWB through the joint strategic needs assessment steering group.",
    "Clinical leads own this and report progress to the board every month.",
    "Patients and the public helped shape it through our engagement events and Healthwatch.",
    "Not yet started: it depends on the HWB's new strategy, which is being written.",
]
NOT_APPLICABLE_REASONS = [
    "Our HWB has not yet set up a joint commissioning group, so this does not yet apply.",
    "The CCG has no delegated budget for this service.",
]
SIDE_COMMENTS = [
    "We discussed this at the last board development session.",
    "Good progress, though the joint plan is still in draft.",
    "Seen working in the integrated care pilots this year.",
    "We would like to see more of this in the commissioning intentions.",
    "Clear in principle; the evidence is still thin.",
    "",
    "",
    "",
]
PARTNERSHIP_ACTIONS = [
    "Agree a joint commissioning plan for older people's services.",
    "Hold a joint board development session on the health and wellbeing strategy.",
    "Share the commissioning intentions with the HWB before they are published.",
    "Set up a shared dashboard of the strategy's outcome measures.",
    "Bring Healthwatch into the quarterly review of patient experience.",
    "Align the CCG's and the council's engagement calendars.",
]
STAKEHOLDER_GROUPS = [  # (group code, share of a CCG's stakeholders)
    ("member_practice", 50),
    ("hwb", 8),
    ("local_authority", 8),
    ("provider", 12),
    ("patient_group", 6),
    ("other_ccg", 6),
    ("commissioning_support", 4),
    ("other", 6),
]
SURVEY_COMMENTS = [
    "The CCG listens, but we rarely hear what changed as a result.",
    "Clinical leadership is visible and respected locally.",
    "Joint working with the council has improved a great deal this year.",
    "Communication with member practices could be more regular.",
    "We would welcome earlier involvement in commissioning decisions.",
    "Strong on plans; delivery is slower than we hoped.",
]

# Good practice examples: what was done (a title start), how, and what came of it.
GOOD_PRACTICE_WORK = [
    "A joint commissioning board with the council",
    "Clinical leads in every locality",
    "A patient panel that shapes each contract",
    "Shared outcome measures with the HWB",
    "A single plan for frail older people",
    "Practice visits by the governing body",
    "An open book approach with our main provider",
    "Monthly quality walk-rounds",
    "A joint needs assessment refresh",
    "Budget holding by member practices",
    "Community voices in the procurement panel",
    "A shared integration fund",
]
GOOD_PRACTICE_HOW = [
    "We set up a standing group with the local authority and met every month, with papers in public.",
    "Each member practice nominated a clinician; together they review referral data every quarter.",
    "Healthwatch recruited thirty residents who review service specifications before they go out.",
    "The CCG and the board agreed six measures, published together on a single dashboard.",
    "We pooled the budgets for intermediate care and wrote one specification with the council.",
]
GOOD_PRACTICE_RESULTS = [
    "Emergency admissions for the group fell by a tenth in the first year.",
    "Practices now see their own referral patterns and discuss them at locality meetings.",
    "Two specifications were changed after residents' comments, and the panel's report is public.",
    "The HWB's annual report used the shared measures for the first time.",
    "Delayed discharges halved over eighteen months.",
]
GOOD_PRACTICE_NOTE = "Please say what difference it made, with figures where you have them."

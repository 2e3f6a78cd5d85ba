"""The sample articles `newsbot try --offline` publishes: written for this project, about
places and people that do not exist. Every World article carries a "Key points" list, as some
publishers' articles do; the Politics ones are prose, so their key points are picked from
their sentences."""

from __future__ import annotations

from dataclasses import dataclass

OUTLET = "Sample Wire (not real news)"
NOTE = "A sample article written for newsbot's try mode; none of it happened."


@dataclass(frozen=True, slots=True)
class Sample:
    slug: str
    title: str
    lead: str
    points: tuple[str, ...] = ()  # the article's own "Key points" list, when it has one
    body: tuple[str, ...] = ()  # further paragraphs

    def html(self) -> str:
        """The article as a feed's description: escaped by the caller into the XML."""
        parts = [f"<p>{self.lead}</p>"]
        if self.points:
            items = "".join(f"<li>{point}</li>" for point in self.points)
            parts.append(f"<p><strong>Key points</strong></p><ul>{items}</ul>")
        parts += [f"<p>{paragraph}</p>" for paragraph in self.body]
        parts.append(f"<p><em>{NOTE}</em></p>")
        return "".join(parts)


def _world(slug: str, title: str, lead: str, *points: str) -> Sample:
    return Sample(slug, title, lead, points)


def _politics(slug: str, title: str, lead: str, *body: str) -> Sample:
    return Sample(slug, title, lead, (), body)


# Already in the feeds when try mode starts: the first poll records them without alerting.
WORLD_START = (
    _world(
        "harbour-library",
        "Port Avalen opens a floating library in its old harbour",
        "The coastal city of Port Avalen has moored a converted ferry in its harbour as a "
        "public library.",
        "The ferry holds 12,000 books and a reading deck",
        "Entry is free; books go out for three weeks",
        "The city plans a second boat for the northern quay",
    ),
    _world(
        "glacier-choir",
        "A choir sings on the Verrin glacier to measure its echo",
        "Forty singers climbed the Verrin glacier so that acoustic researchers could record "
        "how the ice returns sound.",
        "The recordings map cracks inside the ice",
        "The researchers will repeat it every spring",
    ),
)
POLITICS_START = (
    _politics(
        "bicycle-budget",
        "Lanmark council votes to double its cycle lane budget",
        "The council of Lanmark voted 31 to 9 to double the money for cycle lanes next year.",
        "Supporters said the lanes cut traffic near schools by a fifth.",
        "Opponents asked for the plan to include more parking at the edge of the city.",
    ),
    _politics(
        "night-buses",
        "Regional assembly of Osterby backs night buses on weekdays",
        "The Osterby regional assembly approved a trial of night buses from Monday to Thursday.",
        "The trial runs for six months and costs less than one new tram.",
        "Transport unions welcomed the plan and asked for safer depots.",
    ),
)
# Published one by one while try mode runs, World and Politics in turn.
WORLD = (
    _world(
        "river-festival",
        "Tallow River towns float ten thousand paper lanterns",
        "Seven towns along the Tallow River released paper lanterns at dusk for the yearly "
        "river festival.",
        "The lanterns are made of rice paper and sink within an hour",
        "Volunteers collected what reached the weir",
        "Next year the festival moves to the first weekend of June",
    ),
    _world(
        "desert-observatory",
        "Kesra desert observatory sees its first light",
        "The new telescope in the Kesra desert took its first picture on a cloudless night.",
        "The mirror is four metres wide",
        "Schools can book an hour of telescope time each month",
        "Its first picture shows a pair of colliding galaxies",
    ),
    _world(
        "seed-vault",
        "Island of Morrow opens a seed vault for its farmers",
        "Farmers on the island of Morrow can now store seeds of their own crops in a cool vault "
        "built into a hillside.",
        "The vault keeps seeds at minus eighteen degrees",
        "Each farm gets one drawer free of charge",
    ),
    _world(
        "tram-museum",
        "Old trams of Belmire return for a summer weekend",
        "The tram museum of Belmire put six restored trams back on the city's streets for two "
        "days.",
        "The oldest tram was built a century ago",
        "Rides were free and queues went round the square",
        "The museum hopes to run them every summer",
    ),
    _world(
        "whale-count",
        "Volunteers count forty whales off the Sollen coast",
        "A weekend count by volunteers on the Sollen coast found forty whales, the most since "
        "the count began.",
        "Most of the whales were seen from the northern cliffs",
        "The count is shared with marine researchers",
        "Boats were asked to keep their distance",
    ),
    _world(
        "bridge-reopens",
        "Stone bridge of Castellan reopens after repairs",
        "The fourteenth-century bridge of Castellan is open to walkers again after two years of "
        "repairs.",
        "Masons replaced two hundred stones by hand",
        "Cars will stay off the bridge",
    ),
    _world(
        "night-market",
        "Harrow Bay's night market moves to the beach",
        "The night market of Harrow Bay has moved from the car park to the beach promenade.",
        "Sixty stalls open from seven in the evening",
        "Lights along the promenade stay on until midnight",
        "The market runs every Friday until October",
    ),
    _world(
        "mountain-post",
        "Post office on Mount Ilvar delivers by mule again",
        "The mountain post office of Ilvar has gone back to mules for the last stretch to the "
        "high villages.",
        "Two mules carry up to eighty kilograms of post a day",
        "The road to the villages is closed by a landslide",
    ),
)
POLITICS = (
    _politics(
        "library-hours",
        "Fendale mayor promises longer library hours",
        "The mayor of Fendale said the city's libraries will open until nine in the evening "
        "from next month.",
        "The change is paid for by closing one office building downtown.",
        "Library staff will be asked which evenings they prefer.",
    ),
    _politics(
        "school-meals",
        "Vell parliament debates free school lunches",
        "Members of the Vell parliament debated a bill that would give every primary school "
        "pupil a free lunch.",
        "The finance committee estimated the cost at two per cent of the education budget.",
        "A vote is expected before the summer recess.",
    ),
    _politics(
        "river-cleanup",
        "Three cities agree to clean up the Tallow River together",
        "The mayors of three cities along the Tallow River signed an agreement to share the "
        "cost of cleaning it.",
        "Each city will build a new filter station within four years.",
        "Fishing clubs asked to sit on the committee that checks the work.",
    ),
    _politics(
        "voting-age",
        "Osterby referendum on a voting age of sixteen set for autumn",
        "Voters in Osterby will decide in the autumn whether sixteen-year-olds may vote in "
        "local elections.",
        "Student councils collected the signatures that forced the referendum.",
        "The result will apply from the next local election.",
    ),
    _politics(
        "park-plan",
        "Lanmark opposition presents its own plan for the central park",
        "The opposition in Lanmark presented a plan that keeps the central park's old trees "
        "and moves the new car park underground.",
        "The council's own plan would cut down twelve trees.",
        "Both plans go to a public hearing next week.",
    ),
    _politics(
        "ferry-subsidy",
        "Island ferries to stay cheap for residents, minister says",
        "The transport minister of Vell said residents of the outer islands will keep paying "
        "half price on ferries.",
        "Visitors will pay a small surcharge in the summer months.",
        "The islands' councils had asked for the discount to be written into law.",
    ),
    _politics(
        "open-budget",
        "Belmire puts its whole city budget online",
        "The city of Belmire published every line of its budget on a public website.",
        "Residents can comment on each line until the end of the month.",
        "The council will answer the ten most discussed questions in public.",
    ),
    _politics(
        "quiet-hours",
        "Harrow Bay council limits night deliveries in the old town",
        "The council of Harrow Bay voted to ban lorry deliveries in the old town between "
        "midnight and six in the morning.",
        "Shop owners will get a year to change their delivery times.",
        "Residents had complained about noise for a decade.",
    ),
)

"""What drawn profiles are made of: first and last names, dance styles, cities, company
words and bios, most common first in each list (`tests.factories.drawn` draws them with a
skewed distribution)."""


def _names(text: str) -> list[str]:
    """The whitespace-separated names of `text`, in order."""
    return text.split()


FIRST_NAMES = _names(
    """
Olivia Liam Sofia Emma Noah Ava Mia Oliver Isabella Elijah Amelia James Harper William
Evelyn Benjamin Camila Lucas Abigail Gina Henry Emily Theodore Ella Jack Elizabeth Levi
Luna Alexander Avery Jackson Scarlett Mateo Victoria Daniel Madison Michael Aria Mason
Grace Sebastian Chloe Ethan Penelope Logan Layla Owen Riley Samuel Zoey Jacob Nora Asher
Lily Aiden Eleanor John Hannah Joseph Lillian Wyatt Addison David Aubrey Leo Ellie Luke
Stella Julian Natalie Hudson Leah Grayson Hazel Matthew Violet Ezra Aurora Gabriel
Savannah Carter Audrey Isaac Brooklyn Jayden Bella Luca Claire Anthony Skylar Dylan Lucy
Lincoln Paisley Thomas Everly Maverick Anna Elias Caroline Josiah Nova Charles Genesis
Caleb Emilia Christopher Kennedy Ezekiel Samantha Miles Maya Jaxon Willow Isaiah Kinsley
Andrew Naomi Joshua Aaliyah Nathan Elena Nolan Sarah Adrian Ariana Cameron Allison
Santiago Gabriella Eli Alice Aaron Madelyn Ryan Cora Angel Ruby Cooper Eva Waylon Serenity
Easton Autumn Kai Adeline Christian Hailey Landon Gianna Colton Valentina Roman Isla Axel
Eliana Brooks Quinn Jonathan Nevaeh Robert Ivy Jameson Sadie Ian Piper Everett Lydia
Greyson Alexa Wesley Josephine Jeremiah Emery Hunter Julia Leonardo Delilah José Zoë
André Inès Björn Renée Søren Amélie Ramón Léa Joaquín Noémie Tomás Maëlle Jérôme Hélène
Émile Anaïs François Céline Chidi Ximena Kwame Adaeze Hiroshi Yuki Kenji Priya Arjun
Ananya Rohan Mei Dmitri
"""
)

LAST_NAMES = _names(
    """
Smith Johnson Williams Brown Müller Jones Garcia Miller Davis Martinez Rodriguez
Hernandez Lopez Gonzalez Wilson Anderson Taylor Moore Martin Lee Perez Thompson White
Harris Sanchez Clark Ramírez Lewis Robinson Walker Young Allen King Wright Scott Torres
Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts
Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales
Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos
Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes
Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry
Russell Sullivan Bell Coleman Butler Henderson Barnes Fisher Vasquez Simmons Romero
Patterson Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera
Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison
Fernandez Fitzgerald McDonald Woods Washington Wells Vargas Chen Freeman Webb Tucker
Guzman Burns Crawford Olson Simpson Porter Gordon Mendez Silva Shaw Snyder Dixon Muñoz
Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills
Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Gardner Payne
Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart
Bradley Knight Elliott Cunningham Duncan Armstrong Carroll Lane Andrews Alvarado Ray
Delgado Berry Perkins Hoffman Johnston Matthews Peña Richards Contreras Willis Carpenter
Lawrence Sandoval Schröder Dubois Lefèvre Girard Rousseau Mercier Faure Lambert Bonnet
Okafor Adeyemi Mensah Nakamura Tanaka Sato Suzuki Watanabe Yamamoto Kobayashi Ivanova
Petrov Kowalski Nowak Novák Horvat Jovanović Papadopoulos Rossi Russo Bianchi Esposito
Romano Ricci Conti O'Brien Gallagher Mulligan Mullins Mullen Kaur Singh Sharma Gupta Iyer
Reddy Costa Ferreira Oliveira Pereira Almeida Núñez Ibáñez Sørensen Jensen Nielsen
Larsen Andersson Johansson Lindqvist Virtanen Korhonen Mäkinen Nieminen Kuznetsov
Popescu Szabó Kovács Dvořák Haddad Khoury Nasser Cohen Friedman Kaplan Okonkwo Achebe
Nwosu Chukwu Diallo Traoré Koné Fitzpatrick Quiñones Åberg Løvland Brennan Whitfield
"""
)

STYLES = [
    "Hip-Hop",
    "Jazz",
    "Contemporary",
    "Ballet",
    "Commercial",
    "Tap",
    "Lyrical",
    "Modern",
    "Heels",
    "K-Pop",
    "Street",
    "House",
    "Breaking",
    "Musical Theatre",
    "Salsa",
    "Popping",
    "Locking",
    "Latin",
    "Ballroom",
    "Tango",
    "Afrobeats",
    "Dancehall",
    "Krump",
    "Waacking",
    "Voguing",
    "Bachata",
    "Swing",
    "Lindy Hop",
    "Flamenco",
    "Bollywood",
    "Kathak",
    "Bharatanatyam",
    "Irish Step",
    "Clogging",
    "Pole",
    "Aerial",
    "Acrobatics",
    "Capoeira",
    "Belly Dance",
    "Butoh",
]

CITIES = [
    "Los Angeles, CA",
    "New York, NY",
    "Atlanta, GA",
    "Chicago, IL",
    "Miami, FL",
    "Las Vegas, NV",
    "Nashville, TN",
    "Austin, TX",
    "Houston, TX",
    "Dallas, TX",
    "Orlando, FL",
    "San Francisco, CA",
    "Seattle, WA",
    "Boston, MA",
    "Philadelphia, PA",
    "Washington, DC",
    "Denver, CO",
    "Phoenix, AZ",
    "Portland, OR",
    "San Diego, CA",
    "Minneapolis, MN",
    "Detroit, MI",
    "New Orleans, LA",
    "Charlotte, NC",
    "Tampa, FL",
    "Salt Lake City, UT",
    "Kansas City, MO",
    "St. Louis, MO",
    "Pittsburgh, PA",
    "Baltimore, MD",
    "Cleveland, OH",
    "Columbus, OH",
    "Cincinnati, OH",
    "Indianapolis, IN",
    "Milwaukee, WI",
    "Raleigh, NC",
    "Richmond, VA",
    "San Antonio, TX",
    "San Jose, CA",
    "Sacramento, CA",
    "Albuquerque, NM",
    "Tucson, AZ",
    "Honolulu, HI",
    "Anchorage, AK",
    "Boise, ID",
    "Omaha, NE",
    "Oklahoma City, OK",
    "Louisville, KY",
    "Memphis, TN",
    "Birmingham, AL",
    "Jacksonville, FL",
    "Savannah, GA",
    "Providence, RI",
    "Hartford, CT",
    "Buffalo, NY",
    "Rochester, NY",
    "Albany, NY",
    "Burlington, VT",
    "Madison, WI",
    "Santa Fe, NM",
]

COMPANY_WORDS = _names(
    """
Kinetic Urban Velvet Crimson Momentum Pulse Elevate Gravity Rhythm Echo Horizon Mosaic
Ember Prism Tidal Lumen Fusion Orbit Cascade Solstice Meridian Vertex Obsidian Halcyon
Quill Zephyr Cobalt Juniper Sable Aurelian
"""
)
COMPANY_KINDS = [
    "Dance Company",
    "Collective",
    "Movement",
    "Dance Theatre",
    "Project",
    "Ensemble",
    "Crew",
    "Studio",
]
GENDERS = ["Female", "Male", "Non-binary"]
REPRESENTATION = ["represented", "seeking", "independent"]
BIOS = [
    "{first} is a {style} dancer based in {city}.",
    "Trained in {style}; available for tours, music videos and stage work in {city}.",
    "Choreographer and teacher. {style} and more, from {city}.",
    "Performer with ten years of {style}, now working out of {city}.",
    "",
]

"""Seeded entities for the search benchmark, and queries whose answer is known.

Persons (French, Spanish, Arabic and Russian names, half of the Arabic and Russian ones
written in their own script), companies, vessels, bank accounts, containers and crypto
wallets, each with valid identifiers. Invented family names (syllables with their
Cyrillic spelling) give the long tail of rare names that real registers have; the
name lists give the frequent ones.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator

import phonenumbers
from followthemoney import EntityProxy
from schwifty import IBAN
from stdnum import imo, iso6346

from filet.model import model

SEED = 20240611
_LISTS = """
fr_given: Jean Pierre Michel Philippe Alain Nicolas Christophe Julien Thomas Marie Nathalie
  Isabelle Sophie Camille Laura Manon Sarah Emma Léa Chloé Hélène Élodie François Jérôme
fr_family: Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon
  Laurent Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard Mercier
es_given: José Antonio Manuel Francisco Juan David Javier Carlos Jesús Alejandro Miguel
  Rafael Pablo Sergio Fernando Lucía María Carmen Ana Pilar Dolores Isabel Rosa Teresa
es_family: García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín
  Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres
ar_given: Mohammed=محمد Ahmed=أحمد Ali=علي Hassan=حسن Youssef=يوسف Omar=عمر Khaled=خالد
  Karim=كريم Mustafa=مصطفى Ibrahim=إبراهيم Rachid=رشيد Hamza=حمزة Bilal=بلال Nabil=نبيل
  Tarek=طارق Samir=سمير Fatima=فاطمة Khadija=خديجة Mariam=مريم Nadia=نادية Salma=سلمى
ar_family: Amrani=العمراني Haddad=حداد Mansour=منصور Khalil=خليل Nasser=ناصر Saleh=صالح
  Hamdan=حمدان Jaber=جابر Kassem=قاسم Darwish=درويش Yassin=ياسين Tahiri=الطاهري
  Idrissi=الإدريسي Berrada=برادة Chraibi=الشرايبي Fassi=الفاسي Bennani=بناني Ziani=الزياني
  Kettani=الكتاني Slaoui=السلاوي
ru_given: Aleksandr=Александр Sergei=Сергей Dmitri=Дмитрий Andrei=Андрей Alexei=Алексей
  Ivan=Иван Mikhail=Михаил Nikolai=Николай Vladimir=Владимир Yuri=Юрий Oleg=Олег
  Pavel=Павел Viktor=Виктор Igor=Игорь Natalia=Наталья Olga=Ольга Elena=Елена
  Tatiana=Татьяна Irina=Ирина Svetlana=Светлана
ru_family: Ivanov=Иванов Smirnov=Смирнов Kuznetsov=Кузнецов Popov=Попов Vasiliev=Васильев
  Petrov=Петров Sokolov=Соколов Mikhailov=Михайлов Novikov=Новиков Fedorov=Федоров
  Morozov=Морозов Volkov=Волков Lebedev=Лебедев Semenov=Семенов Egorov=Егоров
  Pavlov=Павлов Kozlov=Козлов Stepanov=Степанов Orlov=Орлов Zaitsev=Зайцев
syllables: ba=ба bo=бо da=да de=де do=до ga=га gu=гу ka=ка ko=ко la=ла le=ле li=ли lo=ло
  ma=ма mi=ми mo=мо na=на ne=не ni=ни pa=па po=по ra=ра ri=ри ro=ро sa=са se=се so=со
  ta=та te=те ti=ти to=то va=ва vi=ви za=за zo=зо bar=бар dal=дал gor=гор kor=кор
  lan=лан mar=мар mon=мон nor=нор ran=ран ser=сер tan=тан ver=вер vel=вел
suffixes: ov=ов ev=ев enko=енко in=ин ski=ский ard=ард ier=ьер ez=ес ini=ини elli=елли
company_words: Trading Shipping Logistics Import Export Holding Marine Fruits Négoce
  Transports Investments Maritime Agro Global Services Freight Distribution Commodities
legal_forms: SARL SAS Ltd LLC GmbH S.A. BV FZE S.L. Limited Inc
vessel_words: Ocean Star Pride Sea Fortune Atlantic Queen Spirit Glory Horizon Navigator
  Pearl Eagle Falcon Express Trader Wind Dawn Victory Harmony Aurora Baltic Coral Delta
mids: 227 228 224 247 256 248 636 538 351 371 477 563 273 210 215 370
owner_codes: MSC MAE CMA HLX ONE EVE COS ZIM YML HAS TGH CAI
"""
PHONE_PREFIXES = {"+336": 8, "+337": 8, "+346": 8, "+316": 8, "+2126": 8, "+4479": 8}
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _parse_lists(text: str) -> dict[str, list[tuple[str, str]]]:
    """``key: word word=native …`` blocks, continuation lines indented."""
    lists: dict[str, list[tuple[str, str]]] = {}
    key = ""
    for line in text.strip().splitlines():
        if not line.startswith(" "):
            key, line = line.split(":", 1)
        for word in line.split():
            latin, _, native = word.partition("=")
            lists.setdefault(key, []).append((latin, native or latin))
    return lists


L = _parse_lists(_LISTS)


def _words(key: str) -> list[str]:
    return [latin for latin, _ in L[key]]


class Corpus:
    """Seeded entities plus the queries (with their target) drawn from them."""

    def __init__(self, size: int, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.size = size
        self.imos = iter(self.rng.sample(range(100000, 1000000), size // 8 + 10))
        self.names: dict[str, str] = {}  # entity id -> name in Latin script as stored
        self.translit: dict[str, str] = {}  # entity id -> Latin spelling of a native name
        self.ids: list[tuple[str, str, str]] = []  # (entity id, property, value)

    def entities(self) -> Iterator[EntityProxy]:
        makers: list[tuple[float, str, Callable[[EntityProxy], None]]] = [
            (0.55, "Person", self.person),
            (0.80, "Company", self.company),
            (0.90, "Vessel", self.vessel),
            (0.95, "BankAccount", self.account),
            (0.98, "Container", self.container),
            (1.00, "CryptoWallet", self.wallet),
        ]
        for index in range(self.size):
            draw = self.rng.random()
            _, schema, fill = next(maker for maker in makers if draw < maker[0])
            proxy = model.make_entity(schema)
            proxy.id = f"e{index:07d}"
            fill(proxy)
            yield proxy

    def invented(self) -> tuple[str, str]:
        parts = self.rng.sample(L["syllables"], self.rng.choice((2, 2, 3)))
        suffix = self.rng.choice(L["suffixes"])
        latin = "".join(part[0] for part in parts) + suffix[0]
        return latin.capitalize(), ("".join(part[1] for part in parts) + suffix[1]).capitalize()

    def person(self, proxy: EntityProxy) -> None:
        culture = self.rng.random()
        given, family = self.rng.choice(L["fr_given"]), self.invented()
        if culture < 0.35 and self.rng.random() < 0.5:
            family = self.rng.choice(L["fr_family"])
        elif 0.35 <= culture < 0.5:
            given, family = self.rng.choice(L["es_given"]), self.rng.choice(L["es_family"])
        elif 0.5 <= culture < 0.75:
            given, family = self.rng.choice(L["ar_given"]), self.rng.choice(L["ar_family"])
        elif culture >= 0.75:
            given = self.rng.choice(L["ru_given"])
            family = self.rng.choice(L["ru_family"]) if self.rng.random() < 0.3 else family
        latin, native = f"{given[0]} {family[0]}", f"{given[1]} {family[1]}"
        if culture >= 0.5 and self.rng.random() < 0.5:
            proxy.add("name", native)
            self.translit[proxy.id or ""] = latin
        else:
            proxy.add("name", latin)
            self.names[proxy.id or ""] = latin
        if self.rng.random() < 0.4:
            self.identifier(proxy, "phone", self.phone())

    def company(self, proxy: EntityProxy) -> None:
        core = (
            self.invented()[0] if self.rng.random() < 0.6 else self.rng.choice(_words("fr_family"))
        )
        words = " ".join(self.rng.sample(_words("company_words"), self.rng.choice((1, 2))))
        name = f"{core} {words} {self.rng.choice(_words('legal_forms'))}"
        proxy.add("name", name)
        self.names[proxy.id or ""] = name
        if self.rng.random() < 0.3:
            self.identifier(proxy, "phone", self.phone())

    def vessel(self, proxy: EntityProxy) -> None:
        first, second = self.rng.sample(_words("vessel_words"), 2)
        tail = self.invented()[0] if self.rng.random() < 0.5 else str(self.rng.randint(1, 9))
        proxy.add("name", f"{first} {second} {tail}")
        self.names[proxy.id or ""] = f"{first} {second} {tail}"
        digits = str(next(self.imos))
        self.identifier(proxy, "imoNumber", digits + imo.calc_check_digit(digits))
        mmsi = self.rng.choice(_words("mids")) + f"{self.rng.randrange(10**6):06d}"
        self.identifier(proxy, "mmsi", mmsi)

    def account(self, proxy: EntityProxy) -> None:
        iban = IBAN.generate(
            "FR",
            bank_code=f"{self.rng.randrange(10**5):05d}",
            branch_code=f"{self.rng.randrange(10**5):05d}",
            account_code=f"{self.rng.randrange(10**11):011d}",
        )
        self.identifier(proxy, "iban", iban.compact)

    def container(self, proxy: EntityProxy) -> None:
        body = self.rng.choice(_words("owner_codes")) + "U" + f"{self.rng.randrange(10**6):06d}"
        self.identifier(proxy, "containerNumber", body + iso6346.calc_check_digit(body))

    def wallet(self, proxy: EntityProxy) -> None:
        if self.rng.random() < 0.5:
            self.identifier(proxy, "publicKey", "0x" + self.rng.randbytes(20).hex())
        else:
            self.identifier(proxy, "publicKey", base58check(b"\0" + self.rng.randbytes(20)))

    def phone(self) -> str:
        """A mobile number valid in its numbering plan (some ranges are unallocated)."""
        while True:
            prefix = self.rng.choice(list(PHONE_PREFIXES))
            digits = "".join(str(self.rng.randrange(10)) for _ in range(PHONE_PREFIXES[prefix]))
            if phonenumbers.is_valid_number(phonenumbers.parse(prefix + digits)):
                return prefix + digits

    def identifier(self, proxy: EntityProxy, prop: str, value: str) -> None:
        proxy.add(prop, value, cleaned=True)
        self.ids.append((proxy.id or "", prop, value))

    def name_queries(self, count: int) -> dict[str, list[tuple[str, str]]]:
        """(query, target id) per group: exact Latin names, one typo, transliterated."""
        plain = self.rng.sample(sorted(self.names), min(count, len(self.names)))
        typo = self.rng.sample(sorted(self.names), min(count, len(self.names)))
        other = self.rng.sample(sorted(self.translit), min(count, len(self.translit)))
        return {
            "name exact": [(self.names[target], target) for target in plain],
            "name with a typo": [(self.typo(self.names[target]), target) for target in typo],
            "name transliterated": [(self.translit[target], target) for target in other],
        }

    def typo(self, name: str) -> str:
        """One edit (substitution, deletion, insertion or swap) inside the longest word."""
        words = name.split()
        index = max(range(len(words)), key=lambda i: len(words[i]))
        word, at = words[index], self.rng.randrange(1, max(2, len(words[index]) - 1))
        letter = self.rng.choice("abcdefghijklmnopqrstuvwxyz")
        word = self.rng.choice(
            [
                word[:at] + letter + word[at + 1 :],
                word[:at] + word[at + 1 :],
                word[:at] + letter + word[at:],
                word[: at - 1] + word[at : at + 1] + word[at - 1] + word[at + 1 :],
            ]
        )
        return " ".join([*words[:index], word, *words[index + 1 :]])

    def identifier_queries(self, count: int) -> list[tuple[str, str]]:
        """(value as an analyst would type it, target id)."""
        chosen = self.rng.sample(self.ids, min(count, len(self.ids)))
        return [(typed(prop, value), target) for target, prop, value in chosen]


def typed(prop: str, value: str) -> str:
    """How people write the value: national phone format, spaced IBAN, IMO prefix…"""
    if prop == "phone" and value.startswith("+33"):
        national = "0" + value[3:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    if prop == "phone":
        return f"{value[:3]} {value[3:6]} {value[6:]}"
    if prop == "iban":
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4)).lower()
    if prop == "imoNumber":
        return f"IMO {value}"
    if prop == "containerNumber":
        return f"{value[:4]} {value[4:10]} {value[10]}"
    return "0x" + value[2:].upper() if value.startswith("0x") else value


def base58check(payload: bytes) -> str:
    """Bitcoin's Base58Check encoding: payload, then 4 bytes of double SHA-256."""
    checksum = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    number = int.from_bytes(payload + checksum, "big")
    encoded = ""
    while number:
        number, digit = divmod(number, 58)
        encoded = BASE58[digit] + encoded
    return "1" * (len(payload) - len(payload.lstrip(b"\0"))) + encoded

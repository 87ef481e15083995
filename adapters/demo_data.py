"""Demo data: a synthetic cohort modelled on seed 001 (Diklat PIM III Angkatan XIII Tahun 2018).

BPSDM Provinsi Maluku ran the cohort and took its 40 participants benchmarking to Kota
Tangerang in April 2018, in four groups with four focus themes (planning and financial
management towards a clean audit opinion; sub-district support for basic health needs; poverty
reduction through micro, small and medium enterprises; e-kinerja for civil-servant performance).
The participants came from Kabupaten Maluku Tenggara (10), Kabupaten Buru (15), Kabupaten Buru
Selatan (5), Kota Ambon (4) and Provinsi Maluku (6).

Everything about the people is invented — names, NIPs (built with
:func:`domain.nip.synthetic_nip`), e-mail addresses and phone numbers — but drawn
deterministically (``random.Random(2018)``), so :func:`seed001_roster` returns the same roster on
every call and on every machine.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Final

from domain.benchmarking import AgendaSpec, BenchmarkPlan, Contact, GroupSpec, HostSpec, VisitSpec
from domain.nip import Gender, synthetic_nip
from domain.roster import Roster, RosterParticipant, RosterPerson

__all__ = [
    "AGENCY_OF_REGENCY",
    "DEMO_COHORT_CODE",
    "DEMO_COHORT_NAME",
    "DEMO_ORGANISER",
    "DEMO_PASSWORD",
    "DEMO_PROGRAMME",
    "DEMO_TIMEZONE",
    "FOCUS_THEMES",
    "GROUP_CODES",
    "PRACTICES",
    "REGENCY_COUNTS",
    "SEED001_HOSTS",
    "SEED003_HOSTS",
    "seed001_plan",
    "seed001_roster",
]

DEMO_COHORT_CODE: Final = "PIM3-XIII-2018"
DEMO_COHORT_NAME: Final = "Diklat Kepemimpinan Tingkat III Angkatan XIII Tahun 2018"
DEMO_ORGANISER: Final = "BPSDM Provinsi Maluku"
DEMO_TIMEZONE: Final = "Asia/Jayapura"
"""Maluku runs on WIT (UTC+9)."""
DEMO_PROGRAMME: Final = "PIM3"
DEMO_PASSWORD: Final = "patok-demo-2018"
"""The web password of every demo person (synthetic data; printed by ``patok demo``)."""

REGENCY_COUNTS: Final[Mapping[str, int]] = {
    "Kabupaten Maluku Tenggara": 10,
    "Kabupaten Buru": 15,
    "Kabupaten Buru Selatan": 5,
    "Kota Ambon": 4,
    "Provinsi Maluku": 6,
}
"""Participants per regency, as reported in seed 001 (40 in all)."""

AGENCY_OF_REGENCY: Final[Mapping[str, str]] = {
    regency: f"Pemerintah {regency}" for regency in REGENCY_COUNTS
}
"""The agency (``RosterPerson.agency``) of the participants from each regency."""

FOCUS_THEMES: Final[tuple[str, ...]] = (
    "Konektivitas Perencanaan dan Pengelolaan Keuangan Menuju WTP",
    "Peran Aparatur Kecamatan dalam Mendukung Kebutuhan Dasar Kesehatan Masyarakat",
    "Pengentasan Kemiskinan melalui Peningkatan Kapasitas Usaha Mikro, Kecil dan Menengah",
    "Penerapan e-Kinerja dalam Mendukung Efektivitas Kinerja PNS",
)
"""The focus themes of benchmarking groups I–IV in seed 001."""

_PLAN, _HEALTH, _MSME, _EKINERJA = range(4)

_DOMAINS: Final[Mapping[str, str]] = {
    "Pemerintah Kabupaten Maluku Tenggara": "malukutenggarakab.go.id",
    "Pemerintah Kabupaten Buru": "burukab.go.id",
    "Pemerintah Kabupaten Buru Selatan": "burselkab.go.id",
    "Pemerintah Kota Ambon": "ambon.go.id",
    "Pemerintah Provinsi Maluku": "malukuprov.go.id",
    "BPSDM Provinsi Maluku": "bpsdm.malukuprov.go.id",
    "Lembaga Administrasi Negara": "lan.go.id",
}

# (unit, focus theme, number of participants) per regency; one mentor (the unit's head) per unit.
_UNITS: Final[Mapping[str, tuple[tuple[str, int, int], ...]]] = {
    "Kabupaten Maluku Tenggara": (
        ("Bappeda", _PLAN, 2),
        ("BPKAD", _PLAN, 2),
        ("Dinas Kesehatan", _HEALTH, 2),
        ("Kecamatan Kei Kecil", _HEALTH, 2),
        ("BKPSDM", _EKINERJA, 2),
    ),
    "Kabupaten Buru": (
        ("Bappeda", _PLAN, 2),
        ("DPKD", _PLAN, 2),
        ("Dinas Kesehatan", _HEALTH, 2),
        ("Kecamatan Namlea", _HEALTH, 2),
        ("Dinas Sosial", _MSME, 3),
        ("Dinas Perindag dan Koperasi", _MSME, 2),
        ("BKPSDM", _EKINERJA, 2),
    ),
    "Kabupaten Buru Selatan": (
        ("Kecamatan Namrole", _HEALTH, 1),
        ("Dinas Sosial", _MSME, 2),
        ("BKPSDM", _EKINERJA, 2),
    ),
    "Kota Ambon": (
        ("Dinas Koperasi dan UKM", _MSME, 2),
        ("BKPSDM", _EKINERJA, 2),
    ),
    "Provinsi Maluku": (
        ("Bappeda", _PLAN, 2),
        ("Dinas Kesehatan", _HEALTH, 1),
        ("Dinas Perindag", _MSME, 1),
        ("BKD", _EKINERJA, 2),
    ),
}

_TITLES: Final[Mapping[int, tuple[str, ...]]] = {
    _PLAN: (
        "Optimalisasi Integrasi Perencanaan dan Penganggaran Daerah Menuju Opini WTP pada "
        "{unit} {region}",
        "Penguatan Penatausahaan Aset Daerah untuk Mendukung Opini WTP pada {unit} {region}",
        "Sinkronisasi RKPD dan KUA-PPAS Berbasis Aplikasi pada {unit} {region}",
        "Percepatan Penyusunan Laporan Keuangan Berbasis Akrual pada {unit} {region}",
    ),
    _HEALTH: (
        "Peningkatan Peran Aparatur Kecamatan dalam Pemenuhan Kebutuhan Dasar Kesehatan "
        "Masyarakat di {unit} {region}",
        "Optimalisasi Pelayanan Posyandu melalui Kemitraan Kecamatan dan Puskesmas di {unit} "
        "{region}",
        "Penguatan Gerakan Masyarakat Hidup Sehat (GERMAS) melalui {unit} {region}",
        "Peningkatan Cakupan Jaminan Kesehatan bagi Warga Miskin melalui {unit} {region}",
    ),
    _MSME: (
        "Pengentasan Kemiskinan melalui Peningkatan Kapasitas Usaha Mikro, Kecil dan Menengah "
        "pada {unit} {region}",
        "Pendampingan Kelompok Usaha Bersama (KUBE) bagi Keluarga Miskin oleh {unit} {region}",
        "Penguatan Pemasaran Produk UMKM Berbasis Daring pada {unit} {region}",
        "Pengembangan Koperasi Nelayan untuk Menurunkan Angka Kemiskinan pada {unit} {region}",
    ),
    _EKINERJA: (
        "Penerapan e-Kinerja untuk Meningkatkan Efektivitas Kinerja PNS pada {unit} {region}",
        "Pengembangan Aplikasi e-SKP Terintegrasi dengan Tambahan Penghasilan Pegawai pada "
        "{unit} {region}",
        "Digitalisasi Penilaian Prestasi Kerja PNS melalui e-Kinerja pada {unit} {region}",
        "Pemetaan Kinerja Jabatan Berbasis e-Kinerja pada {unit} {region}",
    ),
}

_DEGREES: Final[Mapping[int, tuple[str, ...]]] = {
    _PLAN: ("S.E.", "S.E., M.Si.", "S.T.", "S.Sos., M.Si.", "S.E., M.M.", "S.T., M.T."),
    _HEALTH: ("S.KM.", "S.KM., M.Kes.", "S.Sos.", "S.Kep., M.Kes.", "S.STP", "S.Sos., M.Si."),
    _MSME: ("S.E.", "S.Sos.", "S.P.", "S.E., M.Si.", "S.Sos., M.AP.", "S.P., M.Si."),
    _EKINERJA: ("S.Sos.", "S.IP.", "S.STP", "S.Kom.", "S.Sos., M.AP.", "S.H., M.H."),
}

# Name pools by area: the Kei islands (Maluku Tenggara), Buru and Buru Selatan, Ambon-Lease.
_SURNAMES: Final[Mapping[str, tuple[str, ...]]] = {
    "kei": (
        "Ohoiwutun", "Rahanra", "Renwarin", "Ohoitimur", "Rahayaan", "Ngabalin", "Letsoin",
        "Rettob", "Welerubun", "Jamlean", "Rahawarin", "Renyaan", "Betaubun", "Elwarin",
        "Fakubun", "Kabalmay", "Sarkol", "Tamher", "Yamlean", "Ubro",
    ),
    "buru": (
        "Wael", "Nurlatu", "Lesnussa", "Hentihu", "Tasidjawa", "Latbual", "Fatsey", "Soulissa",
        "Behuku", "Nacikit", "Tinggapy", "Solissa", "Tasane", "Loilatu", "Mukadar", "Umasugi",
        "Latuconsina", "Souwakil", "Mahulauw", "Lessy",
    ),
    "ambon": (
        "Latuconsina", "Pattiasina", "Tuhumury", "Sahetapy", "Pelupessy", "Matulessy",
        "Leiwakabessy", "Tuasikal", "Sopacua", "Wattimena", "Tahapary", "Lekahena", "Manuputty",
        "Huwae", "Latumahina", "Lawalata", "Siahaya", "Marasabessy", "Ohorella", "Tuanany",
        "Pattinama", "Sapulette", "Ririmasse", "Noya", "Maitimu",
    ),
}  # fmt: skip

_FIRST_NAMES: Final[Mapping[tuple[str, Gender], tuple[str, ...]]] = {
    ("kei", "male"): (
        "Fransiskus", "Yosep", "Agustinus", "Petrus", "Paulus", "Antonius", "Yohanes",
        "Bernadus", "Gabriel", "Thomas", "Ignasius", "Nikolaus", "Adrianus", "Abdul",
    ),
    ("kei", "female"): (
        "Maria", "Theresia", "Yohana", "Magdalena", "Bernadeta", "Agnes", "Veronika", "Lusia",
        "Fransiska", "Katarina", "Yuliana", "Elisabeth",
    ),
    ("buru", "male"): (
        "Abdullah", "Ismail", "Hasan", "Rusdi", "Mahmud", "Arifin", "Salim", "Fadli", "Ridwan",
        "Husein", "Muhammad", "Anwar", "Saleh", "Umar", "Ahmad", "Johanis", "Marthen", "Semuel",
    ),
    ("buru", "female"): (
        "Siti", "Nurhayati", "Fatima", "Hadija", "Rahma", "Salma", "Nurjanah", "Halija",
        "Aisyah", "Yuliana", "Martha", "Elisabeth",
    ),
    ("ambon", "male"): (
        "Johanis", "Marthen", "Yohanes", "Hendrik", "Semuel", "Abraham", "Ronald", "Jacob",
        "Melkianus", "Stevanus", "Alexander", "Daniel", "Victor", "Abdullah", "Ismail", "Rusdi",
        "Husein", "Ahmad", "Ridwan", "Salim",
    ),
    ("ambon", "female"): (
        "Yuliana", "Elisabeth", "Christina", "Martha", "Merry", "Nelly", "Jacoba", "Femmy",
        "Selvie", "Helena", "Siti", "Nurhayati", "Fatima", "Rahma", "Aisyah", "Halija",
    ),
}  # fmt: skip

_AREA_OF_REGENCY: Final[Mapping[str, str]] = {
    "Kabupaten Maluku Tenggara": "kei",
    "Kabupaten Buru": "buru",
    "Kabupaten Buru Selatan": "buru",
    "Kota Ambon": "ambon",
    "Provinsi Maluku": "ambon",
}

_PHONE_PREFIXES: Final[tuple[str, ...]] = ("811", "812", "813", "821", "822", "823", "852", "853")


@dataclass
class _Drawer:
    """Draws unique synthetic people from one seeded random generator."""

    rng: random.Random
    nips: set[str]
    emails: set[str]
    phones: set[str]

    def nip(
        self, gender: Gender, birth_years: tuple[int, int], appointment_years: tuple[int, int]
    ) -> str:
        """A fresh NIP born within ``birth_years``, appointed at 22–30 within ``appointment_years``.

        The appointment is always at least 19 calendar years after the birth year.
        """
        start = date(birth_years[0], 1, 1).toordinal()
        end = date(birth_years[1], 12, 31).toordinal()
        while True:
            birth = date.fromordinal(self.rng.randint(start, end))
            year = birth.year + self.rng.randint(22, 30)
            year = max(appointment_years[0], min(appointment_years[1], year))
            year = max(year, birth.year + 19)  # always at least 18 years after birth
            month = self.rng.randint(1, 12)
            nip = synthetic_nip(birth, year, month, gender, self.rng.randint(1, 999))
            if nip not in self.nips:
                self.nips.add(nip)
                return nip

    def phone(self) -> str:
        """A fresh Indonesian mobile number: ``+62 8xx xxxx xxxx``."""
        while True:
            number = (
                f"+62 {self.rng.choice(_PHONE_PREFIXES)} {self.rng.randint(1000, 9999)} "
                f"{self.rng.randint(1000, 9999)}"
            )
            if number not in self.phones:
                self.phones.add(number)
                return number

    def person(
        self,
        *,
        area: str,
        agency: str,
        unit: str,
        theme: int,
        birth_years: tuple[int, int],
        appointment_years: tuple[int, int],
        female_share: float = 0.4,
    ) -> RosterPerson:
        """A fresh person: name and NIP gender agree; e-mail ``first.last@<agency domain>``."""
        gender: Gender = "female" if self.rng.random() < female_share else "male"
        while True:
            first = self.rng.choice(_FIRST_NAMES[(area, gender)])
            last = self.rng.choice(_SURNAMES[area])
            local = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
            email = f"{local}@{_DOMAINS[agency]}"
            if email not in self.emails:
                self.emails.add(email)
                break
        degree = self.rng.choice(_DEGREES[theme])
        return RosterPerson(
            nip=self.nip(gender, birth_years, appointment_years),
            name=f"{first} {last}, {degree}",
            email=email,
            agency=agency,
            unit=unit,
            phone=self.phone(),
        )


def seed001_roster() -> Roster:
    """Seed 001's cohort: 40 participants, 21 mentors, 4 coaches, 2 examiners and 2 coordinators.

    The coaches are widyaiswara of BPSDM Provinsi Maluku and the coordinators its staff; one
    examiner is a widyaiswara of LAN (Puslatbang KMP Makassar), the other a provincial official.

    Each participant's mentor is the head of their unit (participants of the same agency and
    unit share one; the mentor's agency is theirs); their coach is the widyaiswara of their
    benchmarking group (I–IV by focus theme, 10 participants each). Mentors and coaches are
    referred to by NIP. Deterministic: every call returns an equal roster.
    """
    drawer = _Drawer(random.Random(2018), set(), set(), set())
    bpsdm = DEMO_ORGANISER

    coordinators = [
        drawer.person(
            area="ambon",
            agency=bpsdm,
            unit="Bidang Pengembangan Kompetensi Manajerial",
            theme=_EKINERJA,
            birth_years=(1976, 1986),
            appointment_years=(2000, 2012),
        )
        for _ in range(2)
    ]
    coaches = [
        drawer.person(
            area="ambon",
            agency=bpsdm,
            unit="Widyaiswara",
            theme=theme,
            birth_years=(1962, 1975),
            appointment_years=(1986, 2000),
        )
        for theme in range(len(FOCUS_THEMES))
    ]
    examiners = [
        drawer.person(
            area="ambon",
            agency="Lembaga Administrasi Negara",
            unit="Puslatbang KMP LAN Makassar",
            theme=_PLAN,
            birth_years=(1960, 1970),
            appointment_years=(1985, 1996),
        ),
        drawer.person(
            area="ambon",
            agency="Pemerintah Provinsi Maluku",
            unit="Sekretariat Daerah",
            theme=_EKINERJA,
            birth_years=(1962, 1970),
            appointment_years=(1985, 1996),
            female_share=0.0,
        ),
    ]

    mentors: list[RosterPerson] = []
    participants: list[RosterParticipant] = []
    for regency, units in _UNITS.items():
        agency = AGENCY_OF_REGENCY[regency]
        area = _AREA_OF_REGENCY[regency]
        for unit, theme, count in units:
            mentor = drawer.person(
                area=area,
                agency=agency,
                unit=unit,
                theme=theme,
                birth_years=(1962, 1972),
                appointment_years=(1985, 1998),
                female_share=0.3,
            )
            mentors.append(mentor)
            for _ in range(count):
                person = drawer.person(
                    area=area,
                    agency=agency,
                    unit=unit,
                    theme=theme,
                    birth_years=(1968, 1985),
                    appointment_years=(1990, 2010),
                )
                templates = [
                    t
                    for t in _TITLES[theme]
                    if "Aparatur Kecamatan" not in t or unit.startswith("Kecamatan")
                ]
                title = drawer.rng.choice(templates).format(unit=unit, region=regency)
                participants.append(
                    RosterParticipant(
                        **person.model_dump(),
                        mentor=mentor.nip,
                        coach=coaches[theme].nip,
                        project_title=title,
                    )
                )

    return Roster(
        coordinators=coordinators,
        mentors=mentors,
        coaches=coaches,
        examiners=examiners,
        participants=participants,
    )


# --- Benchmarking to Best Practice: seed 001's host units and groups, seed 003's host units ------

GROUP_CODES: Final[tuple[str, ...]] = ("I", "II", "III", "IV")
"""Seed 001's groups (*Kelompok I–IV*), in the order of :data:`FOCUS_THEMES`."""

TANGERANG: Final = "Pemerintah Kota Tangerang"
SEED001_REASONS: Final[tuple[str, ...]] = (
    "Penghargaan Kastria Bakti Husada Kesehatan dari Menteri Kesehatan atas kepemimpinan Wali Kota "
    "Tangerang dalam mengerahkan dan memberdayakan masyarakat untuk hidup sehat",
    "Inovatif Government Award 2012 dari Kementerian Dalam Negeri",
    "Indeks Kota Cerdas Indonesia untuk kategori kota berpenduduk di atas 1 juta jiwa",
)
"""Why BPSDM Maluku chose Kota Tangerang (seed 001)."""


def _tangerang(code: str, unit: str, focus: str) -> HostSpec:
    return HostSpec(
        code=code,
        agency=TANGERANG,
        unit=unit,
        city="Kota Tangerang",
        province="Banten",
        timezone="WIB",
        focus=focus,
        reasons=SEED001_REASONS,
        contact=Contact(name=f"Sekretariat {unit}", role="Narahubung kunjungan (contoh demo)"),
    )


SEED001_HOSTS: Final[tuple[HostSpec, ...]] = (
    _tangerang("tng-bappeda", "Bappeda", FOCUS_THEMES[_PLAN]),
    _tangerang("tng-dpkd", "DPKD", FOCUS_THEMES[_PLAN]),
    _tangerang("tng-karawaci", "Kantor Kecamatan Karawaci", FOCUS_THEMES[_HEALTH]),
    _tangerang("tng-dinsos", "Dinas Sosial", FOCUS_THEMES[_MSME]),
    _tangerang("tng-perindagkop", "Dinas Perindag dan Koperasi", FOCUS_THEMES[_MSME]),
    _tangerang("tng-bkpsdm", "Badan Kepegawaian dan Pengembangan SDM", FOCUS_THEMES[_EKINERJA]),
)
"""Seed 001's host units at Kota Tangerang: group I at Bappeda and DPKD, group II at Kecamatan
Karawaci, group III at Dinas Sosial and Dinas Perindag dan Koperasi, group IV at BKPSDM."""

GROUP_HOSTS: Final[Mapping[str, tuple[str, ...]]] = {
    "I": ("tng-bappeda", "tng-dpkd"),
    "II": ("tng-karawaci",),
    "III": ("tng-dinsos", "tng-perindagkop"),
    "IV": ("tng-bkpsdm",),
}

_BOGOR: Final = "Pemerintah Kota Bogor"
SEED003_HOSTS: Final[tuple[HostSpec, ...]] = (
    HostSpec(
        code="bgr-diskominfostandi",
        agency=_BOGOR,
        unit="Dinas Komunikasi, Informatika, Statistika, dan Persandian (Diskominfostandi)",
        city="Kota Bogor",
        province="Jawa Barat",
        timezone="WIB",
        focus="Program pemanfaatan teknologi informasi dan sistem jaringan yang dikembangkan "
        "untuk mendukung program pemerintah",
    ),
    HostSpec(
        code="bgr-bappeda",
        agency=_BOGOR,
        unit="Badan Perencanaan dan Pembangunan Daerah (Bappeda)",
        city="Kota Bogor",
        province="Jawa Barat",
        timezone="WIB",
        focus="Bagaimana Pemerintah Kota Bogor merencanakan dan mewujudkan mimpinya ke depan",
    ),
    HostSpec(
        code="bgr-bapenda",
        agency=_BOGOR,
        unit="Badan Pendapatan Daerah (Bapenda)",
        city="Kota Bogor",
        province="Jawa Barat",
        timezone="WIB",
        focus="Kiat-kiat meningkatkan Pendapatan Asli Daerah (PAD) dalam rangka mewujudkan "
        "kesejahteraan warga",
    ),
)
"""Seed 003's three host units at Kota Bogor (Diklatpim IV Angkatan V Sumatera Barat, 2017)."""


@dataclass(frozen=True)
class Practice:
    """An illustrative best practice of a demo host (invented for the demo, not from the seeds)."""

    practice: str
    location: str
    evidence: str
    success_key: str
    lesson: str


PRACTICES: Final[Mapping[str, tuple[Practice, ...]]] = {
    "tng-bappeda": (
        Practice(
            "e-Planning terintegrasi dari Musrenbang sampai RKPD dan KUA-PPAS",
            "Bidang Perencanaan, aplikasi e-Planning",
            "Peragaan aplikasi; dokumen RKPD 2018",
            "Satu basis data usulan yang dipakai semua OPD, dikawal langsung oleh Sekda",
            "Usulan dan anggaran disusun pada satu sistem sehingga selisih RKPD dan APBD mengecil",
        ),
        Practice(
            "Forum konsultasi publik rancangan RKPD secara daring",
            "Ruang rapat Bappeda",
            "Notulen forum dan rekap masukan warga",
            "Jadwal tetap dan umpan balik tertulis kepada pengusul",
            "Masukan warga dicatat dan dijawab, sehingga usulan berulang berkurang",
        ),
    ),
    "tng-dpkd": (
        Practice(
            "Rekonsiliasi kas dan aset harian berbasis aplikasi",
            "Bidang Akuntansi DPKD",
            "Laporan rekonsiliasi harian; LHP BPK opini WTP",
            "Petugas akuntansi di setiap OPD dan tenggat rekonsiliasi yang ditegakkan",
            "Rekonsiliasi rutin mencegah temuan aset yang menghambat opini WTP",
        ),
    ),
    "tng-karawaci": (
        Practice(
            "Posyandu dan Puskesmas berbagi data balita per kelurahan",
            "Kantor Kecamatan Karawaci dan Puskesmas Karawaci",
            "Papan data gizi balita; rekap kunjungan posyandu",
            "Camat memimpin rapat bulanan lintas sektor dengan data yang sama",
            "Kecamatan dapat menggerakkan kelurahan bila data kesehatan dibagi setiap bulan",
        ),
        Practice(
            "Gerakan hidup sehat berbasis RW",
            "Kelurahan di Kecamatan Karawaci",
            "Foto kegiatan dan daftar kader per RW",
            "Kader RW yang dilatih dan diberi penghargaan",
            "Pelibatan kader RW memperluas jangkauan program kesehatan",
        ),
    ),
    "tng-dinsos": (
        Practice(
            "Basis data terpadu keluarga miskin yang terhubung ke pendampingan usaha",
            "Bidang Pemberdayaan Sosial",
            "Contoh kartu keluarga penerima dan catatan pendampingan",
            "Verifikasi lapangan berkala dan satu nomor induk keluarga",
            "Bantuan usaha tepat sasaran bila data kemiskinan diverifikasi dan dipadukan",
        ),
    ),
    "tng-perindagkop": (
        Practice(
            "Inkubator UMKM dengan pemasaran daring produk lokal",
            "Rumah Kemasan dan galeri UMKM",
            "Katalog produk daring; data omzet peserta inkubasi",
            "Kemitraan dengan ritel modern dan pendampingan kemasan",
            "UMKM naik kelas bila kemasan, izin dan pemasaran didampingi sekaligus",
        ),
    ),
    "tng-bkpsdm": (
        Practice(
            "e-Kinerja harian yang terhubung dengan tambahan penghasilan pegawai",
            "Bidang Penilaian Kinerja BKPSDM",
            "Peragaan aplikasi e-Kinerja; Perwal tentang TPP",
            "Atasan memverifikasi aktivitas harian dan TPP mengikuti capaian",
            "Kinerja harian yang diverifikasi atasan membuat TPP adil dan terukur",
        ),
        Practice(
            "Peta jabatan dan kebutuhan pegawai berbasis analisis beban kerja",
            "Bidang Pengembangan SDM",
            "Dokumen ABK dan peta jabatan",
            "Data ABK diperbarui tiap tahun dan dipakai untuk mutasi",
            "Penempatan pegawai sesuai beban kerja meningkatkan efektivitas unit",
        ),
    ),
}
"""Illustrative practices per demo host, for the demo's lessons (invented; the seeds name none)."""


def seed001_plan(roster: Roster, first_day: date, *, days: int = 3) -> BenchmarkPlan:
    """Seed 001's benchmarking plan for the demo cohort: the six host units at Kota Tangerang,
    groups I–IV (10 participants each, by focus theme, i.e. by their coach) and one visit of
    ``days`` days from ``first_day``, with each group at its host units every day, accompanied by
    the coaches and coordinators."""
    coach_theme = {coach.nip: theme for theme, coach in enumerate(roster.coaches)}
    members: dict[int, list[str]] = {theme: [] for theme in range(len(FOCUS_THEMES))}
    for p in roster.participants:
        members[coach_theme[p.coach or ""]].append(p.nip)
    groups = tuple(
        GroupSpec(
            code=code,
            theme=FOCUS_THEMES[theme],
            members=tuple(members[theme]),
            hosts=GROUP_HOSTS[code],
        )
        for theme, code in enumerate(GROUP_CODES)
    )
    topics = (
        "Paparan mitra dan diskusi: {focus}",
        "Observasi lapangan dan pengumpulan data praktik terbaik",
        "Wawancara kunci sukses dan penyusunan bahan laporan kelompok",
    )
    agenda: list[AgendaSpec] = []
    for day_index in range(days):
        day = date.fromordinal(first_day.toordinal() + day_index)
        for code in GROUP_CODES:
            hosts = GROUP_HOSTS[code]
            host = hosts[day_index % len(hosts)]
            focus = next(h.focus for h in SEED001_HOSTS if h.code == host)
            agenda.append(
                AgendaSpec(
                    day=day,
                    host=host,
                    group=code,
                    starts=time(9, 0),
                    ends=time(15, 0),
                    topic=topics[min(day_index, len(topics) - 1)].format(focus=focus),
                )
            )
    visit = VisitSpec(
        code="TNG",
        host_agency=TANGERANG,
        city="Kota Tangerang",
        timezone="WIB",
        start=first_day,
        end=date.fromordinal(first_day.toordinal() + days - 1),
        groups=GROUP_CODES,
        companions=tuple(p.nip for p in (*roster.coaches, *roster.coordinators)),
        agenda=tuple(agenda),
        note="Benchmarking to Best Practice Diklat PIM III Angkatan XIII (seed 001)",
    )
    return BenchmarkPlan(hosts=SEED001_HOSTS, groups=groups, visits=(visit,), source="seed001")

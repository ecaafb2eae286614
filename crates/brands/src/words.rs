//! The words that sit beside a brand in a lure, grouped into themes.
//!
//! Every list here was written for nshunt. Three uses:
//!
//! - lure words (every theme word and the fillers below) are what a
//!   combosquat adds to a brand (`paypal-secure-login`), so an ordinary
//!   word brand such as `apple` counts inside a longer label only when
//!   the rest of the label splits into them (`secureappleidlogin`, not
//!   `pineapple`);
//! - place, language and TLD-like tokens (`uk`, `espana`, `com`) count
//!   beside a brand as separate tokens (`chase-uk`), and inside a token
//!   only from four letters (`yahooespanol`), because inside words two
//!   letters match almost anywhere;
//! - themes are keyword families (technology and support, finance and
//!   payments, tax and government, delivery, crypto, …) assigned per
//!   domain, for filtering and as a cluster attribute.

use serde::Serialize;

/// A keyword family a domain can belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Theme {
    /// Logins, verification, passwords, account notices.
    AccountSecurity,
    /// Technical support, software, devices, cloud services.
    TechnologySupport,
    /// Banking, cards, payments, loans, invoices.
    FinancePayments,
    /// Taxes, refunds, benefits, fines, tolls, official services.
    TaxGovernment,
    /// Parcels, tracking, post, couriers, customs fees.
    Delivery,
    /// Wallets, tokens, exchanges, airdrops, NFTs.
    Crypto,
    /// Shops, orders, deals, coupons.
    Shopping,
    /// Social networks, followers, copyright notices, messaging.
    SocialMedia,
    /// Streaming, music, games and in-game currency.
    Entertainment,
    /// Flights, hotels, bookings, tickets.
    Travel,
    /// Mobile plans, SIMs, top-ups, broadband.
    Telecom,
    /// Prizes, giveaways, bonuses, free gifts.
    Prizes,
}

impl Theme {
    /// Every theme, in a stable order.
    pub const ALL: [Theme; 12] = [
        Theme::AccountSecurity,
        Theme::TechnologySupport,
        Theme::FinancePayments,
        Theme::TaxGovernment,
        Theme::Delivery,
        Theme::Crypto,
        Theme::Shopping,
        Theme::SocialMedia,
        Theme::Entertainment,
        Theme::Travel,
        Theme::Telecom,
        Theme::Prizes,
    ];

    /// The theme's name as written in output and filters.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::AccountSecurity => "account-security",
            Theme::TechnologySupport => "technology-support",
            Theme::FinancePayments => "finance-payments",
            Theme::TaxGovernment => "tax-government",
            Theme::Delivery => "delivery",
            Theme::Crypto => "crypto",
            Theme::Shopping => "shopping",
            Theme::SocialMedia => "social-media",
            Theme::Entertainment => "entertainment",
            Theme::Travel => "travel",
            Theme::Telecom => "telecom",
            Theme::Prizes => "prizes",
        }
    }

    /// The words of this family.
    pub fn words(self) -> &'static [&'static str] {
        match self {
            Theme::AccountSecurity => ACCOUNT,
            Theme::TechnologySupport => TECHNOLOGY,
            Theme::FinancePayments => FINANCE,
            Theme::TaxGovernment => GOVERNMENT,
            Theme::Delivery => DELIVERY,
            Theme::Crypto => CRYPTO,
            Theme::Shopping => SHOPPING,
            Theme::SocialMedia => SOCIAL,
            Theme::Entertainment => ENTERTAINMENT,
            Theme::Travel => TRAVEL,
            Theme::Telecom => TELECOM,
            Theme::Prizes => PRIZES,
        }
    }
}

impl std::fmt::Display for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Theme {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Theme::ALL.into_iter().find(|t| t.as_str() == text).ok_or_else(|| {
            let names: Vec<&str> = Theme::ALL.iter().map(|t| t.as_str()).collect();
            format!("unknown theme {text:?}: one of {}", names.join(", "))
        })
    }
}

const ACCOUNT: &[&str] = &[
    "login", "logon", "signin", "signon", "signup", "secure", "security", "verify",
    "verification", "verified", "validate", "validation", "account", "accounts", "update",
    "updates", "alert", "alerts", "notice", "notices", "notification", "auth", "authenticate",
    "authentication", "authorize", "confirm", "confirmation", "recover", "recovery",
    "restore", "unlock", "unlocked", "locked", "suspended", "password", "passwd", "reset",
    "identity", "session", "access", "client", "customer", "customers", "user", "member",
    "members", "webscr", "credential", "credentials", "protect", "protection", "safety",
    "safe", "review", "appeal", "disabled", "blocked", "warning", "limited", "activity",
];

const TECHNOLOGY: &[&str] = &[
    "support", "helpdesk", "techsupport", "tech", "technical", "technician", "fix", "repair",
    "virus", "antivirus", "malware", "scan", "error", "computer", "driver", "drivers",
    "printer", "router", "wifi", "upgrade", "remote", "assist", "assistance", "cloud",
    "drive", "docs", "document", "documents", "file", "files", "share", "sharing", "storage",
    "download", "install", "setup", "activate", "activation", "license", "mail", "email",
    "webmail", "inbox", "outlook", "office", "software", "device", "devices", "server",
    "domain", "hosting", "admin", "it",
];

const FINANCE: &[&str] = &[
    "bank", "banking", "pay", "payment", "payments", "card", "cards", "credit", "debit",
    "loan", "loans", "invoice", "invoices", "billing", "bill", "bills", "refund", "refunds",
    "transfer", "transfers", "money", "cash", "finance", "financial", "funds", "fund",
    "wallet", "deposit", "withdraw", "withdrawal", "balance", "statement", "mortgage",
    "insurance", "invest", "investment", "trading", "broker",
];

const GOVERNMENT: &[&str] = &[
    "tax", "taxes", "taxrefund", "gov", "govt", "government", "revenue", "customs",
    "benefit", "benefits", "pension", "grant", "grants", "covid", "relief", "stimulus",
    "fine", "fines", "penalty", "toll", "tolls", "passport", "permit", "court", "police",
    "citizen", "vehicle", "licence", "ministry", "federal", "national", "public", "official",
    "social", "welfare", "vote", "election", "rebate",
];

const DELIVERY: &[&str] = &[
    "delivery", "deliveries", "deliver", "parcel", "parcels", "package", "packages",
    "track", "tracking", "tracker", "shipment", "shipments", "shipping", "ship", "post",
    "postal", "courier", "express", "freight", "redelivery", "reschedule", "dispatch",
    "logistics", "cargo", "mail", "address",
];

const CRYPTO: &[&str] = &[
    "crypto", "coin", "coins", "token", "tokens", "nft", "nfts", "airdrop", "airdrops",
    "claim", "claims", "mint", "minting", "stake", "staking", "swap", "swaps", "defi", "dapp",
    "dapps", "bridge", "connect", "sync", "node", "nodes", "chain", "blockchain", "exchange",
    "trade", "bitcoin", "btc", "eth", "ether", "usdt", "web3", "metaverse", "dao", "yield",
    "farm", "presale", "whitelist", "seed", "phrase", "ledger", "vault", "dex", "launchpad",
    "migrate", "migration", "rectify", "wallets",
];

const SHOPPING: &[&str] = &[
    "shop", "shopping", "store", "deal", "deals", "sale", "sales", "discount", "discounts",
    "offer", "offers", "coupon", "coupons", "promo", "outlet", "buy", "order", "orders",
    "cart", "checkout", "voucher", "vouchers", "giftcard", "market", "marketplace",
];

const SOCIAL: &[&str] = &[
    "followers", "follower", "likes", "follow", "badge", "copyright", "infringement",
    "profile", "chat", "dating", "friends", "community", "group", "groups", "messenger",
    "message", "messages", "story", "stories", "post", "reels",
];

const ENTERTAINMENT: &[&str] = &[
    "stream", "streaming", "video", "videos", "movie", "movies", "music", "tv", "watch",
    "game", "games", "gaming", "play", "player", "skins", "skin", "robux", "vbucks", "gems",
    "diamonds", "cheats", "hack", "premium", "subscription", "subscribe",
];

const TRAVEL: &[&str] = &[
    "booking", "bookings", "hotel", "hotels", "flight", "flights", "travel", "trip",
    "airline", "airlines", "ticket", "tickets", "reservation", "reservations", "checkin",
    "vacation", "holiday", "holidays", "rental", "miles",
];

const TELECOM: &[&str] = &[
    "mobile", "sim", "esim", "recharge", "topup", "broadband", "fiber", "fibre", "wireless",
    "phone", "telecom", "roaming", "prepaid", "postpaid", "unlimited",
];

const PRIZES: &[&str] = &[
    "gift", "gifts", "prize", "prizes", "winner", "winners", "win", "reward", "rewards",
    "bonus", "lottery", "giveaway", "free", "jackpot", "lucky", "draw", "contest",
    "sweepstakes", "cekilis",
];

/// Words that carry no theme but often stand beside a brand in a lure.
pub const FILLERS: &[&str] = &[
    "my", "the", "www", "web", "online", "official", "app", "apps", "portal", "service",
    "services", "help", "center", "centre", "care", "team", "info", "contact", "id", "site",
    "page", "home", "net", "live", "now", "new", "get", "go", "best", "top", "center", "desk",
    "hub", "plus", "pro", "center", "status", "check", "mobile", "inc", "corp", "group",
    "global", "international", "intl", "world", "direct", "link", "links", "secure",
    "http", "https", "com", "net", "org", "login", "my", "en",
];

/// Places, languages and TLD-like tokens. Those of four letters or more
/// also count inside a token (`yahooespanol`); shorter ones only as
/// separate tokens (`paypal-uk`), because inside words two letters
/// match almost anywhere.
pub const PLACES: &[&str] = &[
    "com", "net", "org", "co", "uk", "us", "de", "fr", "es", "it", "nl", "be", "ch", "at",
    "pl", "pt", "br", "mx", "ar", "cl", "pe", "ca", "au", "nz", "in", "jp", "cn", "ru", "tr",
    "ae", "sa", "za", "ng", "ke", "eg", "ma", "sg", "hk", "tw", "kr", "ph", "vn", "th", "se",
    "no", "dk", "fi", "ie", "gr", "cz", "ro", "hu", "info", "biz", "eu", "usa", "america",
    "england", "britain", "france", "espana", "spain", "mexico", "brasil", "brazil",
    "deutschland", "germany", "italia", "italy", "turkiye", "turkey", "turk", "canada",
    "australia", "india", "japan", "china", "russia", "europe", "asia", "africa", "latam",
    "nederland", "portugal", "polska", "argentina", "colombia", "chile", "peru", "dubai",
    "uae", "ksa", "qatar", "nigeria", "kenya", "ghana", "pakistan", "indonesia",
    "philippines", "malaysia", "singapore", "vietnam", "thailand", "korea", "espanol",
    "english", "francais", "deutsch", "turkce", "portugues", "italiano", "arabic",
];

/// Every lure word: the theme words, the fillers, and the places of
/// four letters or more.
pub fn lure_words() -> impl Iterator<Item = &'static str> {
    let places = PLACES.iter().copied().filter(|p| p.len() >= 4);
    Theme::ALL
        .into_iter()
        .flat_map(|t| t.words().iter().copied())
        .chain(FILLERS.iter().copied())
        .chain(places)
}

/// Ordinary words one slip away from a brand keyword, found in the
/// benign lists; never read as typosquats.
pub const COMMON: &[&str] = &[
    "trust", "skill", "skills", "trader", "traders", "viper", "finance", "cloud", "clouds",
    "telecom", "express", "mobile", "mobiles", "internet", "intern", "email", "emails",
    "charter", "revolution", "interact", "pinterest", "interest", "doctor", "center",
    "applied", "arena", "vibe", "vibes", "disco", "mining", "viper", "vipers", "finity",
    "capitaine", "mayfair",
];

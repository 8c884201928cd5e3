//! The shop's data: endpoints and their scripts, the mixed shape's scenarios, SQL queries,
//! Redis commands and in-process operations. Kept one entry per line (`rustfmt::skip`) so the
//! tables read as tables.

use super::topology::{
    AUTH, CART, CATALOG, CHECKOUT, CacheCmd, Endpoint, FRONTEND, INVENTORY, InternalOp, PAYMENT,
    Param, Query, WORKER, cache, call, db, ep, internal, publish,
};

pub const FE_HOME: u16 = 0;
pub const FE_PRODUCT: u16 = 1;
pub const FE_ADD_CART: u16 = 2;
pub const FE_CHECKOUT: u16 = 3;
pub const FE_SEARCH: u16 = 4;
pub const FE_LOGIN: u16 = 5;
pub const AUTH_SESSION: u16 = 6;
pub const AUTH_LOGIN: u16 = 7;
pub const CAT_LIST: u16 = 8;
pub const CAT_PRODUCT: u16 = 9;
pub const CAT_SEARCH: u16 = 10;
pub const CAT_RECS: u16 = 11;
pub const CAT_REINDEX: u16 = 12;
pub const CART_GET: u16 = 13;
pub const CART_ADD: u16 = 14;
pub const INV_STOCK: u16 = 15;
pub const INV_RESERVE: u16 = 16;
pub const CO_PLACE: u16 = 17;
pub const PAY_CHARGE: u16 = 18;
pub const WORKER_ORDERS: u16 = 19;

/// Indexed by the constants above. Steps run in order; `.par()` joins the step before.
#[rustfmt::skip]
pub const ENDPOINTS: [Endpoint; 20] = [
    ep(FRONTEND, "GET", "/", Param::None, 0.6, &[
        call(AUTH_SESSION),
        call(CAT_LIST),
        call(CART_GET).par(),
        call(CAT_RECS).par().maybe(0.7),
        internal(OP_RENDER),
    ]),
    ep(FRONTEND, "GET", "/product/:sku", Param::Sku, 0.5, &[
        call(AUTH_SESSION),
        call(CAT_PRODUCT),
        call(INV_STOCK).par(),
        call(CAT_RECS).par(),
        // Stock of the recommended products.
        call(INV_STOCK).fan(1, 4).concurrent().elastic(),
        internal(OP_RENDER),
    ]),
    ep(FRONTEND, "POST", "/cart/items", Param::None, 0.4, &[
        call(AUTH_SESSION),
        call(CART_ADD),
        call(CART_GET),
    ]),
    ep(FRONTEND, "POST", "/checkout", Param::None, 0.5, &[
        call(AUTH_SESSION),
        call(CO_PLACE),
        internal(OP_RENDER),
    ]),
    ep(FRONTEND, "GET", "/search", Param::None, 0.5, &[
        call(AUTH_SESSION).maybe(0.5),
        call(CAT_SEARCH),
        call(INV_STOCK).fan(2, 6).concurrent().elastic(),
        internal(OP_RENDER),
    ]),
    ep(FRONTEND, "POST", "/login", Param::None, 0.4, &[
        call(AUTH_LOGIN),
        // The anonymous cart is merged into the user's.
        call(CART_GET),
    ]),
    ep(AUTH, "GET", "/auth/session", Param::None, 0.2, &[
        cache(C_SESSION_GET),
        db(Q_SELECT_SESSION).maybe(0.15),
    ]),
    ep(AUTH, "POST", "/auth/login", Param::None, 0.3, &[
        db(Q_SELECT_USER),
        internal(OP_BCRYPT),
        db(Q_INSERT_SESSION),
        cache(C_SESSION_SET),
    ]),
    ep(CATALOG, "GET", "/catalog/products", Param::None, 0.4, &[
        cache(C_PRODUCTS_GET),
        db(Q_SELECT_PRODUCTS).maybe(0.4),
        // One price query per product: an N+1 loop.
        db(Q_SELECT_PRICE).fan(1, 3).elastic(),
    ]),
    ep(CATALOG, "GET", "/catalog/products/{sku}", Param::Sku, 0.3, &[
        cache(C_PRODUCT_GET),
        db(Q_SELECT_PRODUCT).maybe(0.3),
        db(Q_SELECT_REVIEWS).par(),
    ]),
    ep(CATALOG, "GET", "/catalog/search", Param::None, 0.5, &[
        db(Q_SEARCH),
        internal(OP_RANK),
    ]),
    ep(CATALOG, "GET", "/catalog/recommendations", Param::None, 0.3, &[
        cache(C_RECS_GET),
        db(Q_SELECT_RECS).maybe(0.5),
    ]),
    // The wide shape's root; its children are made by the planner.
    ep(CATALOG, "POST", "/catalog/reindex", Param::None, 0.5, &[]),
    ep(CART, "GET", "/cart/<user_id>", Param::User, 0.3, &[
        cache(C_CART_GET),
        call(CAT_PRODUCT).fan(1, 4).concurrent().elastic(),
    ]),
    ep(CART, "POST", "/cart/<user_id>/items", Param::User, 0.3, &[
        call(CAT_PRODUCT),
        call(INV_STOCK),
        cache(C_CART_SET),
    ]),
    ep(INVENTORY, "GET", "/inventory/stock/<sku>", Param::Sku, 0.2, &[
        db(Q_SELECT_STOCK),
    ]),
    ep(INVENTORY, "POST", "/inventory/reservations", Param::None, 0.3, &[
        db(Q_BEGIN),
        db(Q_UPDATE_STOCK).fan(1, 4).elastic(),
        db(Q_INSERT_RESERVATION),
        db(Q_COMMIT),
    ]),
    ep(CHECKOUT, "POST", "/checkout/orders", Param::None, 0.4, &[
        call(CART_GET),
        internal(OP_VALIDATE_CART),
        call(INV_RESERVE),
        call(PAY_CHARGE),
        db(Q_INSERT_ORDER),
        publish(WORKER_ORDERS),
        cache(C_CART_DEL),
    ]),
    ep(PAYMENT, "POST", "/payment/charges", Param::None, 0.3, &[
        internal(OP_FRAUD),
        db(Q_SELECT_METHOD),
        internal(OP_AUTHORIZE),
        db(Q_INSERT_PAYMENT),
    ]),
    Endpoint { service: WORKER, method: "", route: "", param: Param::None, topic: Some("orders"), work_ms: 0.3, steps: &[
        db(Q_SELECT_ORDER),
        internal(OP_RENDER_EMAIL),
        internal(OP_SEND_EMAIL),
        db(Q_UPDATE_ORDER),
    ]},
];

/// Root endpoints of the mixed shape with their weights.
pub const SCENARIOS: [(u16, u32); 6] = [
    (FE_HOME, 25),
    (FE_PRODUCT, 30),
    (FE_ADD_CART, 15),
    (FE_CHECKOUT, 12),
    (FE_SEARCH, 13),
    (FE_LOGIN, 5),
];

pub const Q_SELECT_SESSION: u16 = 0;
pub const Q_SELECT_USER: u16 = 1;
pub const Q_INSERT_SESSION: u16 = 2;
pub const Q_SELECT_PRODUCTS: u16 = 3;
pub const Q_SELECT_PRICE: u16 = 4;
pub const Q_SELECT_PRODUCT: u16 = 5;
pub const Q_SELECT_REVIEWS: u16 = 6;
pub const Q_SEARCH: u16 = 7;
pub const Q_SELECT_RECS: u16 = 8;
pub const Q_SELECT_STOCK: u16 = 9;
pub const Q_BEGIN: u16 = 10;
pub const Q_UPDATE_STOCK: u16 = 11;
pub const Q_INSERT_RESERVATION: u16 = 12;
pub const Q_COMMIT: u16 = 13;
pub const Q_INSERT_ORDER: u16 = 14;
pub const Q_SELECT_METHOD: u16 = 15;
pub const Q_INSERT_PAYMENT: u16 = 16;
pub const Q_SELECT_ORDER: u16 = 17;
pub const Q_UPDATE_ORDER: u16 = 18;

const fn q(
    operation: &'static str,
    table: &'static str,
    text: &'static str,
    median_ms: f64,
) -> Query {
    Query {
        operation,
        table,
        text,
        median_ms,
    }
}

/// PostgreSQL queries (`db.query.text` is parameterised, as instrumentations record it).
#[rustfmt::skip]
pub const QUERIES: [Query; 19] = [
    q("SELECT", "sessions", "SELECT user_id, expires_at FROM sessions WHERE token = $1", 0.9),
    q("SELECT", "users", "SELECT id, password_hash FROM users WHERE email = $1", 1.1),
    q("INSERT", "sessions", "INSERT INTO sessions (token, user_id, expires_at) VALUES ($1, $2, $3)", 1.4),
    q("SELECT", "products", "SELECT id, sku, name, price_cents FROM products ORDER BY rank LIMIT $1", 3.5),
    q("SELECT", "prices", "SELECT amount_cents, currency FROM prices WHERE product_id = $1", 0.7),
    q("SELECT", "products", "SELECT id, sku, name, description, price_cents FROM products WHERE sku = $1", 1.0),
    q("SELECT", "reviews", "SELECT rating, body FROM reviews WHERE product_id = $1 ORDER BY created_at DESC LIMIT 10", 2.2),
    q("SELECT", "products", "SELECT id, sku, name FROM products WHERE search_vector @@ plainto_tsquery($1) LIMIT 50", 6.0),
    q("SELECT", "recommendations", "SELECT sku FROM recommendations WHERE user_id = $1 LIMIT 8", 1.6),
    q("SELECT", "stock", "SELECT quantity FROM stock WHERE sku = $1", 0.6),
    q("BEGIN", "", "BEGIN", 0.2),
    q("UPDATE", "stock", "UPDATE stock SET quantity = quantity - $1 WHERE sku = $2 AND quantity >= $1", 1.2),
    q("INSERT", "reservations", "INSERT INTO reservations (order_id, sku, quantity) VALUES ($1, $2, $3)", 0.9),
    q("COMMIT", "", "COMMIT", 0.8),
    q("INSERT", "orders", "INSERT INTO orders (id, user_id, total_cents, status) VALUES ($1, $2, $3, $4)", 1.5),
    q("SELECT", "payment_methods", "SELECT id, token FROM payment_methods WHERE user_id = $1 AND is_default", 0.8),
    q("INSERT", "payments", "INSERT INTO payments (order_id, amount_cents, status) VALUES ($1, $2, $3)", 1.3),
    q("SELECT", "orders", "SELECT id, user_id, total_cents FROM orders WHERE id = $1", 0.8),
    q("UPDATE", "orders", "UPDATE orders SET notified_at = now() WHERE id = $1", 1.0),
];

pub const C_SESSION_GET: u16 = 0;
pub const C_SESSION_SET: u16 = 1;
pub const C_PRODUCTS_GET: u16 = 2;
pub const C_PRODUCT_GET: u16 = 3;
pub const C_RECS_GET: u16 = 4;
pub const C_CART_GET: u16 = 5;
pub const C_CART_SET: u16 = 6;
pub const C_CART_DEL: u16 = 7;
pub const C_PRODUCT_SET: u16 = 8;

/// Redis commands (keys masked as the Redis instrumentations do).
#[rustfmt::skip]
pub const CACHE_CMDS: [CacheCmd; 9] = [
    CacheCmd { operation: "GET", text: "GET session:?", median_ms: 0.25 },
    CacheCmd { operation: "SET", text: "SET session:? ? EX ?", median_ms: 0.3 },
    CacheCmd { operation: "GET", text: "GET products:featured", median_ms: 0.35 },
    CacheCmd { operation: "GET", text: "GET product:?", median_ms: 0.25 },
    CacheCmd { operation: "GET", text: "GET recs:?", median_ms: 0.25 },
    CacheCmd { operation: "HGETALL", text: "HGETALL cart:?", median_ms: 0.3 },
    CacheCmd { operation: "HSET", text: "HSET cart:? ? ?", median_ms: 0.3 },
    CacheCmd { operation: "DEL", text: "DEL cart:?", median_ms: 0.25 },
    CacheCmd { operation: "SET", text: "SET product:? ?", median_ms: 0.3 },
];

pub const OP_RENDER: u16 = 0;
pub const OP_BCRYPT: u16 = 1;
pub const OP_RANK: u16 = 2;
pub const OP_VALIDATE_CART: u16 = 3;
pub const OP_FRAUD: u16 = 4;
pub const OP_AUTHORIZE: u16 = 5;
pub const OP_RENDER_EMAIL: u16 = 6;
pub const OP_SEND_EMAIL: u16 = 7;
pub const OP_INDEX_DOC: u16 = 8;
pub const OP_RESOLVE: u16 = 9;

const fn op(
    name: &'static str,
    median_ms: f64,
    attr: Option<(&'static str, i64, i64)>,
    event: Option<&'static str>,
) -> InternalOp {
    InternalOp {
        name,
        median_ms,
        attr,
        event,
    }
}

#[rustfmt::skip]
pub const INTERNAL_OPS: [InternalOp; 10] = [
    op("render-page", 2.5, Some(("app.template.bytes", 2_000, 48_000)), Some("template.rendered")),
    op("bcrypt.verify", 45.0, Some(("app.bcrypt.cost", 10, 12)), None),
    op("rank-results", 1.8, Some(("app.search.results", 0, 50)), None),
    op("validate-cart", 0.8, Some(("app.cart.items", 1, 9)), None),
    op("fraud-check", 4.0, Some(("app.fraud.score", 0, 100)), None),
    op("authorize-card", 35.0, Some(("app.payment.amount_cents", 499, 45_000)), Some("payment.authorized")),
    op("render-email", 3.0, Some(("app.email.bytes", 4_000, 30_000)), None),
    op("send-email", 25.0, None, Some("email.queued")),
    op("index-document", 0.9, Some(("app.document.bytes", 500, 20_000)), None),
    op("resolve-dependencies", 0.15, Some(("app.dependency.count", 1, 12)), None),
];

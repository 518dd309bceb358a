/*
 * fo_relationship.h - the failover relationship model (seed: DhcpServerv4Failover).
 *
 * Public tier. Every property of the seed's class has a field here (or, for
 * the read-only ones, a derivation function). Defaults are Microsoft's
 * (reference/failover-protocol.md section 9).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_RELATIONSHIP_H
#define FO_RELATIONSHIP_H

#include "fo_sbuf.h"
#include "fo_types.h"

#define FO_MAX_RELATIONSHIPS 31      /* Windows: at most 31 relationships per server */
#define FO_MAX_SCOPES 1024           /* scopes in one relationship */

/* Defaults (Microsoft's where Microsoft has one, ISC's otherwise). */
#define FO_DEFAULT_PORT 647
#define FO_DEFAULT_LOAD_BALANCE_PERCENT 50
#define FO_DEFAULT_RESERVE_PERCENT 5
#define FO_DEFAULT_MCLT 3600                 /* MaxClientLeadTime 1 h */
#define FO_DEFAULT_MAX_RESPONSE_DELAY 180    /* Windows tReceive 3 min */
#define FO_DEFAULT_MAX_UNACKED_UPDATES 10    /* ISC max-unacked-updates */
#define FO_DEFAULT_LB_MAX_SECONDS 3          /* ISC load balance max seconds */

/* A failover scope: a Kea subnet4, named by its network address (seed: ScopeId). */
typedef struct fo_scope_ref {
	fo_ip4 scope_id;      /* network address, e.g. 10.0.0.0 */
} fo_scope_ref;

typedef struct fo_relationship {
	/* Read/write properties of DhcpServerv4Failover. */
	char name[FO_NAME_MAX + 1];                /* Name */
	char partner_server[FO_HOST_MAX + 1];      /* PartnerServer: IP address or host name */
	uint16_t partner_port;                     /* draft-12 port, 647 */
	fo_mode mode;                              /* Mode */
	fo_role server_role;                       /* ServerRole (HotStandby only) */
	uint8_t load_balance_percent;              /* LoadBalancePercent: this server's share */
	uint8_t reserve_percent;                   /* ReservePercent (HotStandby only) */
	fo_scope_ref *scopes;                      /* ScopeId[] */
	size_t n_scopes;
	uint32_t mclt;                             /* MaxClientLeadTime, seconds */
	bool auto_state_transition;                /* AutoStateTransition */
	uint32_t state_switch_interval;            /* StateSwitchInterval, s; 0 = not set */
	bool enable_auth;                          /* EnableAuth */
	char shared_secret[FO_SECRET_MAX + 1];     /* never logged, never printed */
	fo_server_type server_type;                /* ServerType */

	/* This server's end of the relationship. */
	char local_address[FO_HOST_MAX + 1];       /* listen/connect address; "" = any */
	uint16_t local_port;                       /* listen port, 647 */
	char server_name[FO_HOST_MAX + 1];         /* this server's name; "" = not set */

	/* Protocol tuning (draft-12 / ISC names). */
	fo_dialect dialect;
	uint32_t max_response_delay;               /* receive timer, seconds */
	uint32_t max_unacked_updates;
	uint16_t load_balance_max_seconds;         /* answer any client whose secs exceeds this */

	/* The partner's kea-ctrl-agent, for failover-replicate ("" = not set). */
	char partner_control_url[FO_CONTROL_URL_MAX + 1];
	char partner_control_user[FO_CONTROL_USER_MAX + 1];
	char partner_control_password[FO_CONTROL_PASSWORD_MAX + 1]; /* never logged, never printed */
	/* https:// only: PEM file paths (never their contents). */
	char partner_control_trust_anchor[FO_CONTROL_FILE_MAX + 1]; /* CA file; "" = system default */
	char partner_control_cert_file[FO_CONTROL_FILE_MAX + 1];    /* client certificate; "" = none */
	char partner_control_key_file[FO_CONTROL_FILE_MAX + 1];     /* its private key */
} fo_relationship;

typedef struct fo_relationship_set {
	fo_relationship *rel;
	size_t n;
	char state_directory[4096];                /* persistence directory; "" = default */
} fo_relationship_set;

/*
 * The settings table: every leaf of a relationships entry, as the wire
 * table describes the codec's options. It drives the parsing of the
 * parameters (fo_config.c), the relationships file (fo_relfile.c), the
 * leaves failover-set must drop with the one they depend on (fo_admin.c)
 * and failover-get's configuration (fo_report.c); fo_relationship_defaults
 * applies its defaults. Bounds are the YANG module's (which enforces them;
 * check_config.c checks the table against it); a text's bound is its
 * array: size - 1 bytes of UTF-8.
 */
typedef enum fo_setting_kind {
	FO_SK_TEXT,                 /* char[size], UTF-8 */
	FO_SK_HOST,                 /* char[size]: an IPv4 address (unicast) or a host name */
	FO_SK_URL,                  /* char[size]: partner-control-url (fo_url_parse) */
	FO_SK_U8,
	FO_SK_U16,
	FO_SK_U32,
	FO_SK_BOOL,
	FO_SK_MODE,                 /* fo_mode */
	FO_SK_ROLE,                 /* fo_role */
	FO_SK_SERVER_TYPE,          /* fo_server_type */
	FO_SK_DIALECT,              /* fo_dialect */
	FO_SK_SCOPES,               /* scopes, n_scopes */
} fo_setting_kind;

#define FO_SF_SECRET 0x01u      /* never printed: not in failover-get, errors, logs */
#define FO_SF_IF_SET 0x02u      /* written only when not empty (text) or not 0 */
#define FO_SF_LB 0x04u          /* only when mode is load-balance (YANG when) */
#define FO_SF_HS 0x08u          /* only when mode is hot-standby */
#define FO_SF_AUTH 0x10u        /* only with enable-auth true */
#define FO_SF_AST 0x20u         /* only with auto-state-transition true */

typedef struct fo_setting {
	const char *name;           /* the YANG leaf */
	fo_setting_kind kind;
	size_t off;                 /* where it lives in fo_relationship */
	size_t size;                /* FO_SK_TEXT, _HOST, _URL: the array's size */
	uint32_t min, max;          /* numbers: the module's range */
	uint32_t def;               /* numbers, booleans, enumerations: the default */
	unsigned flags;             /* FO_SF_* */
} fo_setting;

extern const fo_setting fo_settings[];
extern const size_t fo_settings_count;

/* The setting of leaf `name`, or NULL. */
const fo_setting *fo_setting_find(const char *name);
/* A number, boolean or enumeration setting of r, as an unsigned value. */
uint32_t fo_setting_num(const fo_relationship *r, const fo_setting *s);
void fo_setting_set_num(fo_relationship *r, const fo_setting *s, uint32_t v);
/* A text setting's array in r. */
char *fo_setting_text(fo_relationship *r, const fo_setting *s);
const char *fo_setting_ctext(const fo_relationship *r, const fo_setting *s);
/* An enumeration's value names: the name of v (NULL when out of range); *count. */
const char *fo_setting_enum_name(const fo_setting *s, uint32_t v, uint32_t *count);
/*
 * Whether r has the leaf: its mode and enable-auth allow it (FO_SF_LB,
 * _HS, _AUTH) and, with FO_SF_IF_SET, it is set. (FO_SF_AST is for
 * failover-set, which drops the leaf with auto-state-transition false.)
 */
bool fo_setting_present(const fo_relationship *r, const fo_setting *s);
/*
 * The JSON text of r's value of s (a string, number, boolean or, for the
 * scopes, an array of dotted quads) appended to b (an fo_sbuf).
 */
void fo_setting_json(const fo_relationship *r, const fo_setting *s, fo_sbuf *b);

/* Fill `r` with Microsoft's defaults (name and partner empty, no scopes). */
void fo_relationship_defaults(fo_relationship *r);

/* Deep copy (scopes array included). */
fo_status fo_relationship_copy(fo_relationship *dst, const fo_relationship *src);
void fo_relationship_clear(fo_relationship *r);     /* frees scopes, zeroes the secret */
void fo_relationship_set_clear(fo_relationship_set *set);

/* The relationship that holds scope `scope_id`, or NULL. */
const fo_relationship *fo_relationship_set_find_scope(const fo_relationship_set *set,
    fo_ip4 scope_id);
const fo_relationship *fo_relationship_set_find(const fo_relationship_set *set,
    const char *name);

/*
 * The share of the hash buckets (and, in LoadBalance, of the free addresses)
 * that the PRIMARY server of the relationship has, in percent, as seen from
 * this server's configuration. LoadBalance: load_balance_percent is this
 * server's share. HotStandby: the active server has all buckets.
 */
unsigned fo_relationship_primary_bucket_percent(const fo_relationship *r);

/*
 * The share of the free addresses owned by the SECONDARY (BACKUP state), in
 * percent. LoadBalance: the secondary's load-balance share. HotStandby: the
 * standby owns reserve_percent, the active the rest.
 */
unsigned fo_relationship_secondary_address_percent(const fo_relationship *r);

/*
 * The partner's IPv4 address when PartnerServer is one (host order) and is
 * neither 0.0.0.0, a loopback address (127/8) nor local-address (a partner
 * on this host: its address may be this server's too); 0 otherwise.
 */
fo_ip4 fo_relationship_partner_ip4(const fo_relationship *r);

/* Read-only properties of the seed, derived from this server's view. */
const char *fo_relationship_primary_ip(const fo_relationship *r);    /* PrimaryServerIP */
const char *fo_relationship_secondary_ip(const fo_relationship *r);  /* SecondaryServerIP */
const char *fo_relationship_primary_name(const fo_relationship *r);  /* PrimaryServerName */
const char *fo_relationship_secondary_name(const fo_relationship *r);/* SecondaryServerName */

#endif /* FO_RELATIONSHIP_H */

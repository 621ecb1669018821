// SPDX-License-Identifier: GPL-2.0
/* The cluster file: see config.h. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "values.h"

/* Deep enough for corosync.conf (totem { interface { } }) with room to spare. */
#define MAX_DEPTH	8

/* Where in the file the parser is; the path decides how a key is read. */
enum ctx {
	CTX_TOP,
	CTX_TOTEM,
	CTX_INTERFACE,		/* totem { interface { } } */
	CTX_NODELIST,
	CTX_NODE,
	CTX_SKIP,		/* a section kcpg ignores, with everything inside */
};

struct parser {
	const char *file;
	unsigned int line;
	struct kc_cluster_conf *c;
	struct kc_err *e;
	struct kc_err ve;		/* a value parser's message, before the place is added */
	enum ctx stack[MAX_DEPTH];
	unsigned int opened_at[MAX_DEPTH];	/* line of each open section */
	char open_name[MAX_DEPTH][32];
	unsigned int depth;
	struct kc_conf_node *node;	/* inside node { } */
	unsigned int node_keys;		/* keys seen in it */
	unsigned int totem_keys;
	size_t warn_len;
};

/* Keys corosync reads in totem that make no difference to kcpg: no warning. */
static const char *const totem_quiet[] = {
	"version", "cluster_name", "transport", "ip_version", "link_mode",
	"token_retransmits_before_loss_const", "max_messages", "window_size",
	"fail_recv_const", "seqno_unchanged_const", "send_join", "merge",
	"downcheck", "heartbeat_failures_allowed", "miss_count_const",
	"knet_pmtud_interval", "knet_compression_model", "block_unlisted_ips",
	NULL,
};

static int perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(struct parser *p, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return kc_fail(p->e, "%s:%u: %s", p->file, p->line, what);
}

static void pwarn(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pwarn(struct parser *p, const char *fmt, ...)
{
	char what[400], line[512];
	size_t len;
	char *w;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	len = (size_t)snprintf(line, sizeof(line), "%s:%u: warning: %s\n", p->file, p->line, what);
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	w = realloc(p->c->warnings, p->warn_len + len + 1);
	if (!w)
		return;		/* a lost warning is not worth failing the load */
	memcpy(w + p->warn_len, line, len + 1);
	p->c->warnings = w;
	p->warn_len += len;
}

static bool in_list(const char *const *list, const char *word)
{
	for (; *list; list++)
		if (!strcmp(*list, word))
			return true;
	return false;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static bool is_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
			return false;
	return true;
}

/* Marks key bit in *seen; an error if it was there already. */
static int once(struct parser *p, unsigned int *seen, unsigned int bit, const char *key)
{
	if (*seen & bit)
		return perr(p, "'%s' given twice in this section", key);
	*seen |= bit;
	return 0;
}

/* Runs a values.c parser (writing to p->ve) and prefixes its message with the place. */
#define VALUE(p, call) ((call) ? perr((p), "%s", (p)->ve.msg) : 0)

static int totem_key(struct parser *p, const char *key, const char *val)
{
	struct kc_cluster_conf *c = p->c;

	if (!strcmp(key, "token")) {
		if (once(p, &p->totem_keys, KC_NODE_TOKEN, key))
			return -1;
		c->set |= KC_NODE_TOKEN;
		return VALUE(p, kc_parse_ms(val, "token timeout", &c->token_ms, &p->ve));
	}
	if (!strcmp(key, "join")) {
		if (once(p, &p->totem_keys, KC_NODE_JOIN, key))
			return -1;
		c->set |= KC_NODE_JOIN;
		return VALUE(p, kc_parse_ms(val, "join timeout", &c->join_ms, &p->ve));
	}
	if (!strcmp(key, "consensus")) {
		if (once(p, &p->totem_keys, KC_NODE_CONSENSUS, key))
			return -1;
		c->set |= KC_NODE_CONSENSUS;
		return VALUE(p, kc_parse_ms(val, "consensus timeout", &c->consensus_ms, &p->ve));
	}
	if (!strcmp(key, "hold")) {
		if (once(p, &p->totem_keys, KC_NODE_HOLD, key))
			return -1;
		c->set |= KC_NODE_HOLD;
		return VALUE(p, kc_parse_ms(val, "hold timeout", &c->hold_ms, &p->ve));
	}
	if (!strcmp(key, "netmtu") || !strcmp(key, "mtu")) {
		if (once(p, &p->totem_keys, KC_NODE_MTU, key))
			return -1;
		c->set |= KC_NODE_MTU;
		return VALUE(p, kc_parse_mtu(val, &c->mtu, &p->ve));
	}
	if (!strcmp(key, "port")) {
		if (once(p, &p->totem_keys, KC_NODE_PORT, key))
			return -1;
		c->set |= KC_NODE_PORT;
		return VALUE(p, kc_parse_port(val, &c->port, &p->ve));
	}
	if (!strcmp(key, "secauth") || !strncmp(key, "crypto_", 7)) {
		pwarn(p, "totem.%s ignored: kcpg's cluster key is not set from this file", key);
		return 0;
	}
	if (!in_list(totem_quiet, key))
		pwarn(p, "totem.%s is not used by kcpg (ignored)", key);
	return 0;
}

static int interface_key(struct parser *p, const char *key, const char *val)
{
	if (!strcmp(key, "mcastport")) {
		if (once(p, &p->totem_keys, KC_NODE_PORT, key))
			return -1;
		p->c->set |= KC_NODE_PORT;
		return VALUE(p, kc_parse_port(val, &p->c->port, &p->ve));
	}
	if (strcmp(key, "linknumber") && strcmp(key, "ringnumber"))
		pwarn(p, "totem.interface.%s is not used by kcpg (ignored)", key);
	return 0;
}

static int node_key(struct parser *p, const char *key, const char *val)
{
	struct kc_conf_node *n = p->node;

	if (!strcmp(key, "nodeid")) {
		if (once(p, &p->node_keys, KC_NODE_ID, key))
			return -1;
		return VALUE(p, kc_parse_nodeid(val, &n->nodeid, &p->ve));
	}
	if (!strcmp(key, "ring0_addr")) {
		if (once(p, &p->node_keys, KC_NODE_ADDR, key))
			return -1;
		if (!kc_addr_parse(val, &n->addr))
			return perr(p, "ring0_addr '%s' is not a numeric IPv4 or IPv6 address (kcpg does not resolve host names)",
				    val);
		return 0;
	}
	if (!strcmp(key, "port")) {
		if (once(p, &p->node_keys, KC_NODE_PORT, key))
			return -1;
		n->has_port = true;
		return VALUE(p, kc_parse_port(val, &n->port, &p->ve));
	}
	if (!strcmp(key, "name")) {
		snprintf(n->name, sizeof(n->name), "%s", val);
		return 0;
	}
	if (!strncmp(key, "ring", 4) && strstr(key, "_addr"))
		pwarn(p, "%s ignored: kcpg uses one link (ring0_addr)", key);
	else
		pwarn(p, "node.%s is not used by kcpg (ignored)", key);
	return 0;
}

static int open_section(struct parser *p, const char *name)
{
	enum ctx parent = p->depth ? p->stack[p->depth - 1] : CTX_TOP;
	enum ctx next = CTX_SKIP;

	if (!is_word(name))
		return perr(p, "bad section name '%s'", name);
	if (p->depth == MAX_DEPTH)
		return perr(p, "sections nested deeper than %d", MAX_DEPTH);
	switch (parent) {
	case CTX_TOP:
		if (!strcmp(name, "totem"))
			next = CTX_TOTEM;
		else if (!strcmp(name, "nodelist"))
			next = CTX_NODELIST;
		break;
	case CTX_TOTEM:
		if (!strcmp(name, "interface"))
			next = CTX_INTERFACE;
		break;
	case CTX_NODELIST:
		if (strcmp(name, "node"))
			return perr(p, "unexpected section '%s' in nodelist (expected node)", name);
		next = CTX_NODE;
		break;
	case CTX_INTERFACE:
	case CTX_NODE:
		return perr(p, "unexpected section '%s'", name);
	case CTX_SKIP:
		break;
	}
	if (next == CTX_NODE) {
		struct kc_cluster_conf *c = p->c;

		if (c->n_nodes == c->cap) {
			size_t ncap = c->cap ? c->cap * 2 : 8;
			struct kc_conf_node *nodes = realloc(c->nodes, ncap * sizeof(*nodes));

			if (!nodes)
				return perr(p, "out of memory");
			c->nodes = nodes;
			c->cap = ncap;
		}
		p->node = &c->nodes[c->n_nodes++];
		memset(p->node, 0, sizeof(*p->node));
		p->node->line = p->line;
		p->node_keys = 0;
	}
	p->opened_at[p->depth] = p->line;
	snprintf(p->open_name[p->depth], sizeof(p->open_name[0]), "%s", name);
	p->stack[p->depth++] = next;
	return 0;
}

static int close_section(struct parser *p)
{
	if (!p->depth)
		return perr(p, "'}' without a section to close");
	if (p->stack[--p->depth] == CTX_NODE) {
		if (!(p->node_keys & KC_NODE_ID))
			return perr(p, "node (from line %u) has no nodeid", p->node->line);
		if (!(p->node_keys & KC_NODE_ADDR))
			return perr(p, "node %u has no ring0_addr", p->node->nodeid);
		p->node = NULL;
	}
	return 0;
}

static int key_value(struct parser *p, char *text)
{
	enum ctx where = p->depth ? p->stack[p->depth - 1] : CTX_TOP;
	char *colon = strchr(text, ':');
	char *key, *val;

	if (!colon)
		return perr(p, "expected 'key: value', 'name {' or '}', got '%s'", text);
	*colon = '\0';
	key = trim(text);
	val = trim(colon + 1);
	if (!is_word(key))
		return perr(p, "bad key '%s'", key);
	if (!*val)
		return perr(p, "'%s' has no value", key);
	switch (where) {
	case CTX_TOP:
		if (strcmp(key, "local_nodeid"))
			return perr(p, "unknown key '%s' outside any section (expected local_nodeid)",
				    key);
		if (p->c->has_local_nodeid)
			return perr(p, "'local_nodeid' given twice");
		p->c->has_local_nodeid = true;
		return VALUE(p, kc_parse_nodeid(val, &p->c->local_nodeid, &p->ve));
	case CTX_TOTEM:
		return totem_key(p, key, val);
	case CTX_INTERFACE:
		return interface_key(p, key, val);
	case CTX_NODE:
		return node_key(p, key, val);
	case CTX_NODELIST:
		pwarn(p, "nodelist.%s is not used by kcpg (ignored)", key);
		return 0;
	case CTX_SKIP:
		return 0;
	}
	return 0;
}

static int parse_line(struct parser *p, char *line)
{
	size_t len;

	line = trim(line);
	if (!*line || *line == '#')
		return 0;
	if (!strcmp(line, "}"))
		return close_section(p);
	len = strlen(line);
	if (line[len - 1] == '{') {
		line[len - 1] = '\0';
		return open_section(p, trim(line));
	}
	if (strchr(line, '{') || strchr(line, '}'))
		return perr(p, "put each '{' at the end of its section's line and each '}' on a line of its own");
	return key_value(p, line);
}

/* Checks what only the whole file can tell. */
static int validate(struct parser *p)
{
	struct kc_cluster_conf *c = p->c;
	char a[KC_ADDR_STRLEN];
	size_t i, j;

	if (p->depth)
		return kc_fail(p->e, "%s:%u: section '%s' is not closed (missing '}')", p->file,
			       p->opened_at[p->depth - 1], p->open_name[p->depth - 1]);
	if (!c->n_nodes)
		return kc_fail(p->e, "%s: no nodes (expected nodelist { node { nodeid: N ring0_addr: ADDRESS } ... })",
			       p->file);
	for (i = 0; i < c->n_nodes; i++) {
		for (j = 0; j < i; j++) {
			if (c->nodes[i].nodeid == c->nodes[j].nodeid)
				return kc_fail(p->e, "%s:%u: nodeid %u already used by the node at line %u",
					       p->file, c->nodes[i].line, c->nodes[i].nodeid,
					       c->nodes[j].line);
			if (kc_addr_equal(&c->nodes[i].addr, &c->nodes[j].addr))
				return kc_fail(p->e, "%s:%u: ring0_addr %s already used by node %u",
					       p->file, c->nodes[i].line,
					       kc_addr_format(&c->nodes[i].addr, a), c->nodes[j].nodeid);
		}
		if (c->nodes[i].addr.family != c->nodes[0].addr.family)
			return kc_fail(p->e, "%s:%u: node %u's address %s is not of the same family (IPv4/IPv6) as node %u's",
				       p->file, c->nodes[i].line, c->nodes[i].nodeid,
				       kc_addr_format(&c->nodes[i].addr, a), c->nodes[0].nodeid);
	}
	if (c->has_local_nodeid && !kc_config_find(c, c->local_nodeid))
		return kc_fail(p->e, "%s: local_nodeid %u is not in the nodelist", p->file,
			       c->local_nodeid);
	return 0;
}

int kc_config_parse(const char *text, const char *name, struct kc_cluster_conf *c,
		    struct kc_err *e)
{
	struct parser p = { .file = name, .c = c, .e = e };
	char *copy, *line, *next;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	copy = strdup(text);
	if (!copy)
		return kc_fail(e, "out of memory");
	for (line = copy; line && !rc; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		p.line++;
		rc = parse_line(&p, line);
	}
	free(copy);
	if (!rc)
		rc = validate(&p);
	if (rc)
		kc_config_free(c);
	return rc;
}

/* The whole of f in a NUL-terminated heap buffer; NULL on error. */
static char *read_all(FILE *f, size_t *len)
{
	char *text = NULL, buf[4096];
	FILE *m = open_memstream(&text, len);
	size_t n;

	if (!m)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, m);
	if (fclose(m) || ferror(f)) {
		free(text);
		return NULL;
	}
	return text;
}

int kc_config_load(const char *path, struct kc_cluster_conf *c, struct kc_err *e)
{
	FILE *f = fopen(path, "r");
	size_t len = 0;
	char *text;
	int rc;

	if (!f)
		return kc_fail(e, "cannot open %s: %s", path, strerror(errno));
	text = read_all(f, &len);
	fclose(f);
	if (!text)
		return kc_fail(e, "cannot read %s", path);
	/* The parser works on C strings: an embedded NUL would hide the rest. */
	if (memchr(text, '\0', len)) {
		free(text);
		return kc_fail(e, "%s: not a text file", path);
	}
	rc = kc_config_parse(text, path, c, e);
	free(text);
	return rc;
}

void kc_config_free(struct kc_cluster_conf *c)
{
	free(c->nodes);
	free(c->warnings);
	memset(c, 0, sizeof(*c));
}

const struct kc_conf_node *kc_config_find(const struct kc_cluster_conf *c, uint32_t nodeid)
{
	size_t i;

	for (i = 0; i < c->n_nodes; i++)
		if (c->nodes[i].nodeid == nodeid)
			return &c->nodes[i];
	return NULL;
}

int kc_config_pick_local(const struct kc_cluster_conf *c, const struct kc_addr *local, size_t n,
			 uint32_t *nodeid, struct kc_err *e)
{
	const struct kc_conf_node *found = NULL;
	char a[KC_ADDR_STRLEN];
	size_t i, j;

	if (c->has_local_nodeid) {
		*nodeid = c->local_nodeid;
		return 0;
	}
	for (i = 0; i < c->n_nodes; i++) {
		for (j = 0; j < n; j++) {
			if (!kc_addr_equal(&c->nodes[i].addr, &local[j]))
				continue;
			if (found)
				return kc_fail(e, "nodes %u and %u both have an address of this host; set local_nodeid",
					       found->nodeid, c->nodes[i].nodeid);
			found = &c->nodes[i];
			break;
		}
	}
	if (!found)
		return kc_fail(e, "no node's ring0_addr is configured on this host (first: %s); set local_nodeid or 'nodeid N'",
			       kc_addr_format(&c->nodes[0].addr, a));
	*nodeid = found->nodeid;
	return 0;
}

void kc_config_node_conf(const struct kc_cluster_conf *c, const struct kc_conf_node *node,
			 struct kc_node_conf *out)
{
	memset(out, 0, sizeof(*out));
	out->set = (c->set & ~KC_NODE_PORT) | KC_NODE_ID | KC_NODE_ADDR;
	out->nodeid = node->nodeid;
	out->addr = node->addr;
	if (node->has_port || (c->set & KC_NODE_PORT)) {
		out->set |= KC_NODE_PORT;
		out->port = node->has_port ? node->port : c->port;
	}
	out->mtu = c->mtu;
	out->token_ms = c->token_ms;
	out->join_ms = c->join_ms;
	out->consensus_ms = c->consensus_ms;
	out->hold_ms = c->hold_ms;
}

void kc_config_peer(const struct kc_cluster_conf *c, const struct kc_conf_node *node,
		    struct kc_peer *out)
{
	memset(out, 0, sizeof(*out));
	out->nodeid = node->nodeid;
	out->addr = node->addr;
	if (node->has_port || (c->set & KC_NODE_PORT)) {
		out->has_port = true;
		out->port = node->has_port ? node->port : c->port;
	}
}

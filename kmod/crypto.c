// SPDX-License-Identifier: GPL-2.0
/*
 * kcpg: authentication (and optional encryption) of datagrams.
 *
 * With a cluster key every datagram travels in an envelope:
 *
 *   header (24 bytes, authenticated): magic, version, flags, sender node id,
 *          the sender's epoch, a counter
 *   payload (encrypted when the cluster says so, authenticated always)
 *   tag (16 bytes, AES-256-GCM)
 *
 * Nonces never repeat under one key: each (sender, epoch) has its own key,
 * HMAC-SHA256(cluster key, "kcpg-v1" | node id | epoch), and the nonce is
 * the counter, which only grows within an epoch.  The epoch is taken from
 * the wall clock each time the node comes up and never goes backwards on a
 * running node, so a restarted node uses fresh keys; receivers keep each
 * peer's newest epoch and refuse older ones, which rejects datagrams
 * captured before the peer restarted.  Within an epoch a 64-counter window
 * refuses replays.
 *
 * Everything here runs in process context under kcpg_net.lock: sealing in
 * the send path, opening in the worker.  The transforms are synchronous.
 * Key material is wiped when freed and never reported by netlink.
 */
#include <linux/slab.h>
#include <linux/scatterlist.h>
#include <linux/timekeeping.h>
#include <crypto/aead.h>
#include <crypto/hash.h>

#include "kcpg.h"

#define KCPG_ENV_MAGIC		0x6b	/* 'k' */
#define KCPG_ENV_VERSION	1
#define KCPG_ENV_ENCRYPTED	0x01
#define KCPG_TAG_LEN		16
#define KCPG_NONCE_LEN		12
#define KCPG_SESSION_KEY_LEN	32

struct kcpg_envelope {
	u8 magic;
	u8 version;
	u8 flags;
	u8 reserved;
	__be32 nodeid;
	__be64 epoch;
	__be64 counter;
} __packed;

/* One (sender, epoch) key with its transform and request. */
struct kcpg_session {
	struct crypto_aead *tfm;
	struct aead_request *req;
	u64 epoch;
	/* Receive side: replay window. */
	u64 top;			/* highest counter accepted */
	u64 window;			/* bit i: top - i seen */
};

struct kcpg_keys {
	u8 key[KCPG_KEY_LEN];
	bool encrypt;
	struct crypto_shash *hmac;
	struct kcpg_session tx;
	u64 tx_counter;
};

static void session_free(struct kcpg_session *s)
{
	aead_request_free(s->req);	/* kfree_sensitive inside */
	crypto_free_aead(s->tfm);	/* the key schedule is wiped too */
	memset(s, 0, sizeof(*s));
}

static int session_init(struct kcpg_keys *k, struct kcpg_session *s,
			u32 nodeid, u64 epoch)
{
	u8 skey[KCPG_SESSION_KEY_LEN];
	struct {
		char label[8];
		__be32 nodeid;
		__be64 epoch;
	} __packed info = {
		.label = "kcpg-v1",
		.nodeid = cpu_to_be32(nodeid),
		.epoch = cpu_to_be64(epoch),
	};
	struct crypto_aead *tfm;
	int ret;

	ret = crypto_shash_tfm_digest(k->hmac, (u8 *)&info, sizeof(info), skey);
	if (ret)
		goto out;
	tfm = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm)) {
		ret = PTR_ERR(tfm);
		goto out;
	}
	ret = crypto_aead_setkey(tfm, skey, sizeof(skey)) ?:
	      crypto_aead_setauthsize(tfm, KCPG_TAG_LEN);
	if (ret) {
		crypto_free_aead(tfm);
		goto out;
	}
	s->req = aead_request_alloc(tfm, GFP_KERNEL);
	if (!s->req) {
		crypto_free_aead(tfm);
		ret = -ENOMEM;
		goto out;
	}
	s->tfm = tfm;
	s->epoch = epoch;
	s->top = 0;
	s->window = 0;
out:
	memzero_explicit(skey, sizeof(skey));
	return ret;
}

/* Under kn->lock, while down.  A NULL @key removes the key. */
int kcpg_crypto_set_key(struct kcpg_net *kn, const u8 *key, bool encrypt)
{
	struct kcpg_keys *k = NULL;
	struct kcpg_peer *p;
	int ret;

	if (key) {
		k = kzalloc(sizeof(*k), GFP_KERNEL);
		if (!k)
			return -ENOMEM;
		k->hmac = crypto_alloc_shash("hmac(sha256)", 0, 0);
		if (IS_ERR(k->hmac)) {
			ret = PTR_ERR(k->hmac);
			kfree(k);
			return ret;
		}
		ret = crypto_shash_setkey(k->hmac, key, KCPG_KEY_LEN);
		if (ret) {
			crypto_free_shash(k->hmac);
			kfree(k);
			return ret;
		}
		memcpy(k->key, key, KCPG_KEY_LEN);
		k->encrypt = encrypt;
	}
	kcpg_crypto_free(kn);
	list_for_each_entry(p, &kn->peers, node)
		kcpg_crypto_peer_reset(p);
	kn->keys = k;
	return 0;
}

void kcpg_crypto_free(struct kcpg_net *kn)
{
	struct kcpg_keys *k = kn->keys;

	if (!k)
		return;
	session_free(&k->tx);
	crypto_free_shash(k->hmac);
	kfree_sensitive(k);
	kn->keys = NULL;
}

void kcpg_crypto_peer_reset(struct kcpg_peer *p)
{
	if (p->rx_session) {
		session_free(p->rx_session);
		kfree(p->rx_session);
		p->rx_session = NULL;
	}
}

/*
 * Under kn->lock, coming up: a new epoch, later than any before on this
 * node even if the wall clock stepped back.
 */
int kcpg_crypto_up(struct kcpg_net *kn)
{
	struct kcpg_keys *k = kn->keys;
	u64 epoch = ktime_get_real_ns();

	if (epoch <= kn->epoch)
		epoch = kn->epoch + 1;
	kn->epoch = epoch;
	if (!k)
		return 0;
	session_free(&k->tx);
	k->tx_counter = 0;
	return session_init(k, &k->tx, kn->nodeid, epoch);
}

bool kcpg_crypto_keyed(struct kcpg_net *kn)
{
	return kn->keys;
}

size_t kcpg_crypto_header_len(void)
{
	return sizeof(struct kcpg_envelope);
}

size_t kcpg_crypto_overhead(void)
{
	return sizeof(struct kcpg_envelope) + KCPG_TAG_LEN;
}

/*
 * Seals a payload of @len bytes that the caller put at @buf +
 * kcpg_crypto_header_len(), with room for the tag after it.  Returns the
 * datagram length or a negative errno.
 */
int kcpg_crypto_seal(struct kcpg_net *kn, u8 *buf, size_t len)
{
	struct kcpg_envelope *env = (struct kcpg_envelope *)buf;
	struct kcpg_keys *k = kn->keys;
	struct kcpg_session *s = &k->tx;
	u8 iv[KCPG_NONCE_LEN] = {};
	struct scatterlist sg;
	size_t hlen = sizeof(*env);
	int ret;

	if (k->tx_counter == U64_MAX)
		return -EOVERFLOW;	/* never reuse a nonce */
	env->magic = KCPG_ENV_MAGIC;
	env->version = KCPG_ENV_VERSION;
	env->flags = k->encrypt ? KCPG_ENV_ENCRYPTED : 0;
	env->reserved = 0;
	env->nodeid = cpu_to_be32(kn->nodeid);
	env->epoch = cpu_to_be64(s->epoch);
	env->counter = cpu_to_be64(++k->tx_counter);
	memcpy(iv, &env->counter, sizeof(env->counter));

	sg_init_one(&sg, buf, hlen + len + KCPG_TAG_LEN);
	aead_request_set_callback(s->req, 0, NULL, NULL);
	if (k->encrypt) {
		aead_request_set_ad(s->req, hlen);
		aead_request_set_crypt(s->req, &sg, &sg, len, iv);
	} else {
		aead_request_set_ad(s->req, hlen + len);
		aead_request_set_crypt(s->req, &sg, &sg, 0, iv);
	}
	ret = crypto_aead_encrypt(s->req);
	return ret ? ret : hlen + len + KCPG_TAG_LEN;
}

/* Replay window: true if @ctr is new (and records it). */
static bool window_accept(struct kcpg_session *s, u64 ctr)
{
	u64 shift;

	if (!ctr)
		return false;
	if (ctr > s->top) {
		shift = ctr - s->top;
		s->window = shift >= 64 ? 0 : s->window << shift;
		s->window |= 1;
		s->top = ctr;
		return true;
	}
	shift = s->top - ctr;
	if (shift >= 64 || (s->window & (1ULL << shift)))
		return false;
	s->window |= 1ULL << shift;
	return true;
}

/*
 * Opens a datagram from peer @p in place.  On success *@payload and the
 * return value give the payload; negative: drop (-EBADMSG for a bad
 * envelope or tag, -EALREADY for a replay).
 */
int kcpg_crypto_open(struct kcpg_net *kn, struct kcpg_peer *p, u8 *buf,
		     size_t len, u8 **payload)
{
	struct kcpg_envelope *env = (struct kcpg_envelope *)buf;
	struct kcpg_keys *k = kn->keys;
	struct kcpg_session fresh = {}, *s = p->rx_session;
	size_t hlen = sizeof(*env);
	u8 iv[KCPG_NONCE_LEN] = {};
	struct scatterlist sg;
	size_t plen;
	u64 epoch, ctr;
	bool enc;
	int ret;

	if (len < hlen + KCPG_TAG_LEN || env->magic != KCPG_ENV_MAGIC ||
	    env->version != KCPG_ENV_VERSION || env->reserved ||
	    (env->flags & ~KCPG_ENV_ENCRYPTED) ||
	    be32_to_cpu(env->nodeid) != p->nodeid)
		return -EBADMSG;
	enc = env->flags & KCPG_ENV_ENCRYPTED;
	if (enc != k->encrypt)
		return -EBADMSG;
	epoch = be64_to_cpu(env->epoch);
	ctr = be64_to_cpu(env->counter);
	plen = len - hlen - KCPG_TAG_LEN;

	if (s && epoch < s->epoch)
		return -EALREADY;	/* from before the peer restarted */
	if (!s || epoch > s->epoch) {
		ret = session_init(k, &fresh, p->nodeid, epoch);
		if (ret)
			return ret;
		s = &fresh;
	}
	/* Cheap replay test before the tag; recorded only once authentic. */
	if (s->top >= ctr && (s->top - ctr >= 64 ||
			      (s->window & (1ULL << (s->top - ctr))))) {
		ret = -EALREADY;
		goto out;
	}

	memcpy(iv, &env->counter, sizeof(env->counter));
	sg_init_one(&sg, buf, len);
	aead_request_set_callback(s->req, 0, NULL, NULL);
	if (enc) {
		aead_request_set_ad(s->req, hlen);
		aead_request_set_crypt(s->req, &sg, &sg, plen + KCPG_TAG_LEN, iv);
	} else {
		aead_request_set_ad(s->req, hlen + plen);
		aead_request_set_crypt(s->req, &sg, &sg, KCPG_TAG_LEN, iv);
	}
	ret = crypto_aead_decrypt(s->req);
	if (ret) {
		ret = -EBADMSG;
		goto out;
	}
	if (!window_accept(s, ctr)) {
		ret = -EALREADY;
		goto out;
	}
	if (s == &fresh) {
		/* Authentic and newer: the peer restarted; forget the old. */
		if (!p->rx_session) {
			p->rx_session = kmalloc(sizeof(*s), GFP_KERNEL);
			if (!p->rx_session) {
				ret = -ENOMEM;
				goto out;
			}
		} else {
			session_free(p->rx_session);
		}
		*p->rx_session = fresh;
		fresh.tfm = NULL;
		fresh.req = NULL;
	}
	*payload = buf + hlen;
	ret = plen;
out:
	if (fresh.tfm)
		session_free(&fresh);
	return ret;
}

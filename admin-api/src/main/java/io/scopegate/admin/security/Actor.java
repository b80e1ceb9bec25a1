package io.scopegate.admin.security;

/**
 * Who is making this admin request and from where, for the audit record. Controllers receive it as
 * an argument; access was already decided by {@link SecurityConfiguration}.
 */
public record Actor(String username, AdminRole role, String accountSid, String sourceIp) {}

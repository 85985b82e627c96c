package io.sagaway.gateway.config;


/** A setting has a value the platform cannot start with; the message names the setting. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}

/** The net-guard's DNS lookup that hands sockets only checked addresses (see `@dictamesh/net-guard`). */
export { guardedLookup } from '@dictamesh/net-guard';

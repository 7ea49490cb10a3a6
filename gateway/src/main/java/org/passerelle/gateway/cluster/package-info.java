/**
 * Several nodes of one party on one database: who the nodes are ({@link org.passerelle.gateway.cluster.ClusterMembers}:
 * a heartbeat each, a lost node's claims and locks released by the others within seconds), which node runs each
 * periodic job ({@link org.passerelle.gateway.cluster.jobs.SingletonJobs}, ShedLock over the shared database), and
 * allowances counted across the nodes ({@link org.passerelle.gateway.cluster.RateWindows}).
 */
package org.passerelle.gateway.cluster;

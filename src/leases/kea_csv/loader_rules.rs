#![cfg(test)]
//! Issue #19 item 12: the rows Kea's own loader rejects or erases are not leases here either.

use super::*;

fn run(text: &str) -> (Vec<String>, Vec<String>) {
    let (mut out, mut problems) = (Vec::new(), Problems::default());
    parse(text, &Arc::from("leases.csv"), &mut out, &mut problems).unwrap();
    (out.iter().map(|l| format!("{} {}", l.ip, l.line)).collect(), problems.list.iter().map(ToString::to_string).collect())
}

#[test]
fn v4_rows_kea_rejects_or_erases() {
    let text = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n\
        10.0.0.1,,,3600,4102444800,1,0,0,a,0,\n\
        10.0.0.2,,,3600,4102444800,1,0,0,b,1,\n\
        10.0.0.3,,01:aa,3600,4102444800,1,0,0,c,0,\n\
        10.0.0.4,,zz,3600,4102444800,1,0,0,d,0,\n\
        10.0.0.5,aa:bb:cc:dd:ee:ff,,3600,4102444800,1,0,0,e,0,\n\
        10.0.0.5,aa:bb:cc:dd:ee:ff,,0,4102444800,1,0,0,e,0,\n\
        10.0.0.6,aa:bb:cc:dd:ee:01,,0,4102444800,1,0,0,f,0,\n\
        10.0.0.6,aa:bb:cc:dd:ee:01,,3600,4102444800,1,0,0,f,0,\n\
        10.0.0.7,aa:bb:cc:dd:ee:zz,,3600,4102444800,1,0,0,g,0,\n\
        10.0.0.8,aabbccddeeff,,3600,4102444800,1,0,0,h,0,\n\
        10.0.0.9,0:1:2:3:4:5:6:7:8:9:a:b:c:d:e:f:10:11:12:13:14,,3600,4102444800,1,0,0,i,0,\n\
        10.0.0.10,0:1:2:3:4:5:6:7:8:9:a:b:c:d:e:f:10:11:12:13,,3600,4102444800,1,0,0,j,0,\n";
    let (leases, problems) = run(text);
    assert_eq!(leases, ["10.0.0.2 3", "10.0.0.3 4", "10.0.0.6 9", "10.0.0.10 13"]);
    assert_eq!(problems, [
        "leases.csv:2: malformed record: 10.0.0.1: neither hwaddr nor client_id, and not declined (Kea's loader rejects the row)",
        "leases.csv:5: malformed record: 10.0.0.4: client_id 'zz' is not hexadecimal octets (Kea's loader rejects the row)",
        "leases.csv:10: malformed record: 10.0.0.7: hwaddr 'aa:bb:cc:dd:ee:zz' is not colon-separated hexadecimal octets (Kea's loader rejects the row)",
        "leases.csv:11: malformed record: 10.0.0.8: hwaddr 'aabbccddeeff' is not colon-separated hexadecimal octets (Kea's loader rejects the row)",
        "leases.csv:12: malformed record: 10.0.0.9: hwaddr '0:1:2:3:4:5:6:7:8:9:a:b:c:d:e:f:10:11:12:13:14' is 21 octets, more than 20 (Kea's loader rejects the row)",
        "leases.csv:6: superseded by a later record: lease for 10.0.0.5 replaced by a later record",
        "leases.csv:8: superseded by a later record: lease for 10.0.0.6 replaced by a later record",
        "leases.csv:7: superseded by a later record: lease for 10.0.0.5 removed: valid_lifetime 0 is how Kea records a deleted lease",
    ]);
}

#[test]
fn v6_duids_kea_rejects() {
    let text = "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context\n\
        2001:db8::1,00:01:00:01:aa:bb,3600,4102444800,1,1800,0,1,128,0,0,a,,0,\n\
        2001:db8::2,00:00:00,3600,4102444800,1,1800,0,1,128,0,0,b,,0,\n\
        2001:db8::3,00:00:00,3600,4102444800,1,1800,0,1,128,0,0,c,,1,\n\
        2001:db8::4,01:02,3600,4102444800,1,1800,0,1,128,0,0,d,,0,\n\
        2001:db8::5,01::02:03,3600,4102444800,1,1800,0,1,128,0,0,e,,0,\n\
        2001:db8::6,,3600,4102444800,1,1800,0,1,128,0,0,f,,0,\n\
        2001:db8::7,0x0a0b0c,3600,4102444800,1,1800,0,1,128,0,0,g,,0,\n";
    let (leases, problems) = run(text);
    assert_eq!(leases, ["2001:db8::1 2", "2001:db8::3 4", "2001:db8::7 8"]);
    assert_eq!(problems, [
        "leases.csv:3: malformed record: 2001:db8::2: the empty DUID is valid only for a declined lease (Kea's loader rejects the row)",
        "leases.csv:5: malformed record: 2001:db8::4: duid '01:02' is 2 octet(s), not 3 to 130 (Kea's loader rejects the row)",
        "leases.csv:6: malformed record: 2001:db8::5: duid '01::02:03' is not hexadecimal octets (Kea's loader rejects the row)",
        "leases.csv:7: malformed record: 2001:db8::6: duid '' is 0 octet(s), not 3 to 130 (Kea's loader rejects the row)",
    ]);
}

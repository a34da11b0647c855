/* Count the answered questions of this screen as the respondent goes (label from data-label). */
(function(){var f=document.forms[0],p=document.getElementById("progress"),t=p.getAttribute("data-label");
function u(){var n={},d=0,k;f.querySelectorAll("input[type=radio]").forEach(function(r){n[r.name]=n[r.name]||r.checked});for(k in n)d+=n[k]?1:0;p.textContent=t.replace("{answered}",d).replace("{total}",Object.keys(n).length)}
f.addEventListener("change",u);u()})();
